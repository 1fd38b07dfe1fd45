#pragma once
// Pieces both builders use: dates, coordinates, quantities, captions.

#include <optional>
#include <string>

#include "curator/core/label.hpp"
#include "curator/core/media_image.hpp"
#include "curator/core/time.hpp"
#include "curator/sdc/statement.hpp"

namespace curator::sdc::parts {

/// A day-precision Gregorian time at the UTC day of `t`. `padded_year`
/// writes the year with 11 digits ("+00000002017-…", upstream's Mapillary
/// form); otherwise with at least 4, the form Wikibase stores.
TimeValue day_of(TimePoint t, bool padded_year);

/// "+" and the number as Python's str() writes it ("+109.45", "+90.0"), but
/// never with an exponent.
std::string amount_of(double number);
std::string amount_of(long long number);

/// P1259 at the location with `precision`, plus a P7787 heading when the
/// compass angle is strictly between 0 and 360. Throws Error(invalid_input)
/// when the coordinates are not on the globe.
Statement point_of_view(const GeoLocation& location, double precision);

/// The caption to write: nullopt for none or an empty one; throws
/// Error(invalid_input) for a caption without a language.
std::optional<Label> caption(const std::optional<Label>& label);

}  // namespace curator::sdc::parts
