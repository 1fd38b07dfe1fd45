#pragma once
// JSON equality by meaning: objects compare regardless of key order and
// numbers by value (50 equals 50.0). Used to compare opaque values and, in
// tests, what the codec writes with what it read.

#include "curator/core/json.hpp"

namespace curator::sdc {

bool same_meaning(const json::value& a, const json::value& b);

}  // namespace curator::sdc
