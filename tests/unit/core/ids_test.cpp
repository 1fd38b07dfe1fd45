#include "curator/core/ids.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>

TEST_CASE("edit group ids have the Python service's shape") {
  std::set<std::string> seen;
  std::map<char, int> counts;
  for (int i = 0; i < 2000; ++i) {
    const auto id = curator::generate_edit_group_id();
    CHECK(curator::is_edit_group_id(id));
    seen.insert(id);
    for (char c : id)
      ++counts[c];
  }
  CHECK(seen.size() == 2000);
  // All 22 characters of the alphabet show up, and no other.
  CHECK(counts.size() == 22);
  for (const auto& [c, n] : counts) {
    CAPTURE(c);
    CHECK(n > 24000 / 22 / 2);  // roughly uniform: 1090 expected each
  }
}

TEST_CASE("is_edit_group_id refuses other shapes") {
  CHECK_FALSE(curator::is_edit_group_id(""));
  CHECK_FALSE(curator::is_edit_group_id("a1B2c3D4e5F"));
  CHECK_FALSE(curator::is_edit_group_id("a1B2c3D4e5Fg"));
  CHECK_FALSE(curator::is_edit_group_id("a1B2c3D4e5F6'"));
  CHECK(curator::is_edit_group_id("a1B2c3D4e5F6"));
}

TEST_CASE("random_hex") {
  const auto h = curator::random_hex(16);
  CHECK(h.size() == 16);
  CHECK(h.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(curator::random_hex(16) != h);
}
