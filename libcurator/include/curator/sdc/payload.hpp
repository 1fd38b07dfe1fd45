#pragma once
// The `data` parameter of `action=wbeditentity` for a new upload and for a
// merge into an existing file. Builds JSON only; the API call, the token and
// the edit summary belong to the MediaWiki client.

#include <optional>
#include <string>

#include "curator/core/json.hpp"
#include "curator/export.hpp"
#include "curator/sdc/merge.hpp"
#include "curator/sdc/statement.hpp"

namespace curator::sdc {

/// `{"claims":[…],"labels":[{"language":…,"value":…}]}` for a file that has
/// no structured data yet: every statement, without ids. nullopt when there
/// is nothing to write (no statements and no caption), so no edit is made.
CURATOR_API std::optional<json::object> new_file_payload(const StructuredData& data);

/// Only the statements the merge added or changed; changed ones carry their
/// `id` so Wikibase updates them in place instead of adding copies. nullopt
/// when the merge changed nothing, so an equal merge makes no edit.
CURATOR_API std::optional<json::object> merge_payload(const MergeResult& merge);

/// The payload as the form field value (numbers without exponents).
CURATOR_API std::string payload_text(const json::object& payload);

/// The same payloads written straight to text, without building the JSON
/// tree: `payload_text(*new_file_payload(d)) == *new_file_payload_text(d)`.
CURATOR_API std::optional<std::string> new_file_payload_text(const StructuredData& data);
CURATOR_API std::optional<std::string> merge_payload_text(const MergeResult& merge);

}  // namespace curator::sdc
