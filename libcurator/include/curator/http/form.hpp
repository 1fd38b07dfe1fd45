#pragma once
// URL and form encoding for requests: RFC 3986 percent-encoding, the
// application/x-www-form-urlencoded body the client sends, and query strings.
// Pure string functions; no I/O and no libcurl.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "curator/export.hpp"

namespace curator::http {

/// Name/value pairs, decoded; order and repeats are kept.
using Fields = std::vector<std::pair<std::string, std::string>>;

/// Every byte except ALPHA / DIGIT / "-" / "." / "_" / "~" as %XX (upper-case
/// hex). Spaces become %20, so OAuth signatures over the same values match.
CURATOR_API std::string percent_encode(std::string_view text);

/// `a=1&b=x%20y` in field order.
CURATOR_API std::string form_encode(const Fields& fields);

/// `url` with `fields` appended to its query (`?` or `&`), before any fragment.
CURATOR_API std::string append_query(std::string_view url, const Fields& fields);

}  // namespace curator::http
