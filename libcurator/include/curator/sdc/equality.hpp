#pragma once
// Equality of statements by value, not by spelling: `+90` equals `+90.0`, a
// padded year equals an unpadded one, an existing hash or id never matters.
// Kinds stay distinct: novalue is not somevalue, and an external identifier
// is not a plain string (when both snaks say what they are; Commons JSON does
// not, so a snak without a datatype matches either). The merge relies on
// these rules; nothing here knows where the statements came from.

#include <vector>

#include "curator/export.hpp"
#include "curator/sdc/statement.hpp"

namespace curator::sdc {

/// Same kind and same value. Compared parts per kind: item → entity type and
/// numeric id; string → text; time → the time text with the year's padding
/// removed (precision and calendar ignored); quantity → amount as a decimal
/// number and unit (bounds ignored); globe coordinate → latitude and
/// longitude (precision, globe, altitude ignored); monolingual text →
/// language and text; opaque → the JSON value, numbers by value.
CURATOR_API bool values_equal(const DataValue& a, const DataValue& b);

/// Same property, same snak type, and for value snaks equal values whose
/// datatypes do not contradict each other. Hashes are ignored.
CURATOR_API bool snaks_equal(const Snak& a, const Snak& b);

/// The same snaks (as a set, by snaks_equal); order and hashes ignored.
CURATOR_API bool references_equal(const Reference& a, const Reference& b);

/// Equal main snak, rank, qualifiers (as a set per property) and references
/// (as a set); ids, hashes, datatypes and qualifier order ignored.
CURATOR_API bool statements_equal(const Statement& a, const Statement& b);

/// The same statements in any order (each statement matched once).
CURATOR_API bool statement_lists_equal(const std::vector<Statement>& a,
                                       const std::vector<Statement>& b);

/// Canonical text of a decimal amount, equal for equal numbers ("+90",
/// "90.0", "+9e1"), or the text itself when it is not a decimal number.
CURATOR_API std::string normalize_amount(std::string_view amount);
/// A Wikibase time with the year's leading zeros removed.
CURATOR_API std::string normalize_time(std::string_view time);

}  // namespace curator::sdc
