#pragma once
// What the wiki knows about files: list=allimages by SHA-1 (the duplicate
// check), prop=imageinfo of one title, and the title blacklist verdict
// (action=titleblacklist). Pure interpretation of answers plus the checks on
// what goes into those queries (a SHA-1 must be 40 hex digits).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/core/json.hpp"
#include "curator/export.hpp"

namespace curator::mediawiki {

/// One existing file (from allimages or imageinfo).
struct FileRecord {
  std::string title;            // "File:A b.jpg"
  std::string name;             // "A b.jpg" (normalised, spaces)
  std::string description_url;  // the wiki's own description page URL
  std::string url;              // the file itself
  std::string sha1;             // lower-case hex
  std::optional<std::uint64_t> size;
  std::string mime;
  std::string timestamp;
  std::string user;
};

/// A 40-digit hex SHA-1 in lower case, or Error(invalid_input,
/// code "invalidsha1hash") for anything else.
CURATOR_API std::string require_sha1(std::string_view sha1);

/// Every file of a list=allimages answer (formatversion 1 or 2). Entries
/// without a title or name are skipped.
CURATOR_API std::vector<FileRecord> parse_allimages(const json::value& response);

/// The first page of a prop=imageinfo answer; nullopt when the page or its
/// file is missing.
CURATOR_API std::optional<FileRecord> parse_imageinfo(const json::value& response);

struct TitleBlacklistVerdict {
  bool blacklisted = false;
  std::string reason;   // the rendered message (may contain HTML)
  std::string message;  // the message key, e.g. "titleblacklist-forbidden-edit"
  std::string line;     // the blacklist entry that matched
};

/// An action=titleblacklist answer: result "ok" or "blacklisted".
CURATOR_API TitleBlacklistVerdict parse_titleblacklist(const json::value& response);

}  // namespace curator::mediawiki
