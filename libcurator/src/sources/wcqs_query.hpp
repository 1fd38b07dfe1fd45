#pragma once
// The SPARQL the Commons Query Service is asked (which files carry these
// source ids?) and the reading of its sparql-results+json answer. Pure text
// work; the HTTP side lives in existing_files.cpp.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "curator/core/json.hpp"
#include "curator/core/media_image.hpp"

namespace curator::sources::wcqs {

/// `SELECT ?file ?id WHERE { VALUES ?id { "a" "b" } ?file wdt:<property> ?id. }`.
/// Ids other than letters, digits, '_' and '-' are left out (they cannot be
/// source ids, and this keeps the query free of injected syntax); `property`
/// must look like P<digits>, else Error(invalid_input).
std::string existing_files_query(std::string_view property, const std::vector<std::string>& ids);

/// `results.bindings[]` → id → files (`?file` values, in answer order, no
/// repeats). Throws Error(permanent) when the document is not a SPARQL result.
std::map<std::string, std::vector<ExistingFile>> parse_existing_files(const json::value& result);

}  // namespace curator::sources::wcqs
