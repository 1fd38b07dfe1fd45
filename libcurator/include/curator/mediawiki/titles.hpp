#pragma once
// File names and File: titles as MediaWiki sees them: normalisation (no
// namespace, spaces instead of underscores, first letter upper case), the
// checks MediaWiki applies before an upload (240-byte limit, characters a title
// cannot hold, ':' '/' '\' that it would silently replace, signatures, escapes,
// a missing extension) and description-page URLs. Pure string work: it never
// talks to a wiki, so a name that passes may still be refused by the wiki's
// own rules (title blacklist, allowed types, protection).

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "curator/export.hpp"

namespace curator::mediawiki {

/// Longest file name MediaWiki accepts, in bytes of UTF-8 (without "File:").
inline constexpr std::size_t kMaxFileNameBytes = 240;

enum class FileNameProblem {
  empty,                  // nothing before the extension (filename-tooshort)
  too_long,               // more than kMaxFileNameBytes (filename-toolong)
  invalid_utf8,           // not valid UTF-8
  forbidden_character,    // # < > [ ] | { } or a control character (illegal-filename)
  replaced_character,     // : / \ would become '-' (badfilename warning)
  tildes,                 // "~~~" would be expanded as a signature (illegal-filename)
  percent_escape,         // "%41" style sequences (illegal-filename)
  html_entity,            // "&amp;", "&#65;" style sequences
  relative_path,          // "." or ".." path segments
  no_extension,           // no extension or a trailing dot (filetype-missing)
  extension_not_allowed,  // not among the allowed extensions given to the check
};

CURATOR_API std::string_view to_string(FileNameProblem problem) noexcept;

struct FileNameCheck {
  std::string name;  // normalised
  std::vector<FileNameProblem> problems;
  bool ok() const { return problems.empty(); }
};

/// "File:foo_bar.jpg", " foo  bar.jpg " and "Image:Foo_bar.jpg" all give
/// "Foo bar.jpg": the File:/Image: prefix (any case) is dropped, underscores and
/// Unicode spaces become single spaces, direction marks are removed, the ends
/// are trimmed and the first letter is upper-cased (ASCII, Latin-1, Latin
/// Extended-A, Greek and Cyrillic; other scripts are left as they are).
CURATOR_API std::string normalize_file_name(std::string_view name);

/// Normalises `name` and lists every problem, in enum order. With a non-empty
/// `allowed_extensions` (lower case, no dot) the extension must be one of them
/// (compared case-insensitively).
CURATOR_API FileNameCheck check_file_name(std::string_view name,
                                          std::span<const std::string> allowed_extensions = {});

/// The normalised name, or Error(invalid_input) naming the first problem, with
/// code "bad-filename" ("filename-toolong" when it is only too long).
CURATOR_API std::string require_valid_file_name(
    std::string_view name, std::span<const std::string> allowed_extensions = {});

/// "File:" + the normalised name.
CURATOR_API std::string file_title(std::string_view name);

/// Two names that normalise to the same title (the API reports names with
/// underscores, requests use spaces).
CURATOR_API bool same_file_name(std::string_view a, std::string_view b);

/// The URL path of a title as MediaWiki writes it (wfUrlencode): spaces become
/// '_', everything but letters, digits and -_.;@$!*(),/~: is %XX-encoded.
CURATOR_API std::string title_url_path(std::string_view title);

/// The description page of a file. `article_path` is either a pattern with
/// "$1" ("https://commons.wikimedia.org/wiki/$1") or a prefix the title is
/// appended to ("https://commons.wikimedia.org/wiki/").
CURATOR_API std::string description_page_url(std::string_view article_path,
                                             std::string_view file_name);

}  // namespace curator::mediawiki
