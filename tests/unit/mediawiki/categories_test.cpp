// Category titles and deletion-log answers: normalisation, refused names and
// hostile answers (typed errors, never a crash).

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "curator/core/error.hpp"
#include "curator/mediawiki/api_error.hpp"
#include "curator/mediawiki/pages.hpp"

using namespace curator;
using namespace curator::mediawiki;

TEST_CASE("category titles: prefix, underscores, spaces and the first letter") {
  CHECK(category_title("Foo bar") == "Category:Foo bar");
  CHECK(category_title("foo_bar") == "Category:Foo bar");
  CHECK(category_title("Category:Foo_bar") == "Category:Foo bar");
  CHECK(category_title("  CATEGORY:__Foo  __ bar  ") == "Category:Foo bar");
  CHECK(category_title("Ünïcode name") == "Category:Ünïcode name");  // only ASCII is upper-cased
  CHECK(category_title("Photos: 2024") == "Category:Photos: 2024");  // ':' inside is allowed
}

TEST_CASE("category titles: names a title cannot hold are refused before any request") {
  const std::vector<std::string> bad_names{
      "",     "   ",  "Category:", "_ _",     "A#b",
      "A<b",  "A>b",  "[[x]]",     "a|b",     "{{x}}",
      "a\nb", "a\tb", "a\x7f",     "sig ~~~", std::string(256, 'x')};
  for (const auto& bad : bad_names) {
    CAPTURE(bad);
    try {
      (void)category_title(bad);
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::invalid_input);
      CHECK(e.code() == "bad-category-name");
    }
  }
  CHECK(category_title(std::string(255, 'x')).size() == 255 + 9);
}

TEST_CASE("deletion log answers: entries, none, errors and hostile shapes") {
  const auto events = parse_log_events(json::parse(R"({"batchcomplete":true,"query":{"logevents":[
      {"logid":12,"ns":14,"title":"Category:Foo","pageid":0,"logpage":3,"type":"delete",
       "action":"delete","user":"Admin","timestamp":"2024-05-01T10:00:00Z","comment":"spam"},
      {"logid":"9","title":"Category:Foo","type":"delete","action":"restore","userhidden":true,
       "commenthidden":true}]}})"));
  REQUIRE(events.size() == 2);
  CHECK(events[0].log_id == 12u);
  CHECK(events[0].title == "Category:Foo");
  CHECK(events[0].action == "delete");
  CHECK(events[0].user == "Admin");
  CHECK(events[0].timestamp == "2024-05-01T10:00:00Z");
  CHECK(events[0].comment == "spam");
  CHECK(events[1].log_id == 9u);
  CHECK(events[1].action == "restore");
  CHECK(events[1].user.empty());

  CHECK(parse_log_events(json::parse(R"({"query":{"logevents":[]}})")).empty());
  CHECK_THROWS_AS(
      parse_log_events(json::parse(R"({"error":{"code":"invalidtitle","info":"Bad title"}})")),
      ApiException);
  for (const char* hostile : {R"({})", R"([])", R"("text")", R"({"query":{}})", R"({"query":[]})",
                              R"({"query":{"logevents":{}}})", R"({"query":{"logevents":[5]}})"}) {
    CAPTURE(hostile);
    CHECK_THROWS_AS(parse_log_events(json::parse(hostile)), Error);
  }
  // A nonsense id or mistyped fields leave the entry without them.
  const auto odd =
      parse_log_events(json::parse(R"({"query":{"logevents":[{"logid":-3,"user":[]}]}})"));
  REQUIRE(odd.size() == 1);
  CHECK_FALSE(odd[0].log_id.has_value());
  CHECK(odd[0].user.empty());
}
