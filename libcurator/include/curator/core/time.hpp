#pragma once
// UTC time as the wire and the database spell it. Everything is UTC; nothing
// here reads the machine's time zone.

#include <chrono>
#include <string>
#include <string_view>

#include "curator/export.hpp"

namespace curator {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::time_point<Clock, std::chrono::microseconds>;

/// Now, truncated to microseconds.
CURATOR_API TimePoint now_utc();
/// Now, truncated to whole seconds (what a DATETIME(0) column keeps).
CURATOR_API TimePoint now_utc_seconds();

/// `YYYY-MM-DDTHH:MM:SSZ`, or `YYYY-MM-DDTHH:MM:SS.ffffffZ` when the value has
/// microseconds (Python's `naive.isoformat() + "Z"`; WebSocket messages).
CURATOR_API std::string format_utc_z(TimePoint t);
/// `YYYY-MM-DDTHH:MM:SS[.ffffff]` without a zone (admin users/presets).
CURATOR_API std::string format_naive(TimePoint t);
/// `YYYY-MM-DDTHH:MM:SS+00:00`, second precision (MediaImage `dates.taken`).
CURATOR_API std::string format_utc_offset(TimePoint t);
/// `YYYY-MM-DD HH:MM:SS` (SQL DATETIME literal), second precision.
CURATOR_API std::string format_sql(TimePoint t);
/// `YYYY-MM-DD`.
CURATOR_API std::string format_date(TimePoint t);

/// Parses the forms above and common ISO-8601 variants: a `T` or space
/// separator, optional fraction (up to 9 digits, kept to microseconds), and an
/// optional `Z` or `±HH:MM` offset (converted to UTC). A missing zone means UTC.
/// Throws curator::Error(invalid_input) naming the text on anything else.
CURATOR_API TimePoint parse_utc(std::string_view text);

/// Milliseconds since the Unix epoch (Mapillary's `captured_at`).
CURATOR_API TimePoint from_unix_millis(long long millis);
CURATOR_API long long to_unix_seconds(TimePoint t);

}  // namespace curator
