#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/mediawiki/api_error.hpp"
#include "curator/mediawiki/userinfo.hpp"
#include "fixtures.hpp"

using namespace curator;
using namespace curator::mediawiki;

TEST_CASE("a rate-limited user: limits per action and class, rights, groups") {
  const auto ui = parse_userinfo(test::mediawiki_answer("03-01-uploader-sandbox-userinfo.json"));
  CHECK(ui.id == 3);
  CHECK(ui.name == "Uploader");
  CHECK_FALSE(ui.anonymous);
  CHECK(ui.has_right("upload"));
  CHECK(ui.has_right("reupload-own"));
  CHECK_FALSE(ui.has_right("noratelimit"));
  CHECK(ui.in_group("autoconfirmed"));
  CHECK_FALSE(ui.exempt_from_rate_limits());
  CHECK(ui.limit("upload", "user") == RateLimit{10, 60});
  CHECK(ui.limit("edit", "user") == RateLimit{20, 60});
  CHECK_FALSE(ui.limit("upload", "newbie").has_value());
  CHECK(ui.most_permissive("upload") == RateLimit{10, 60});
  CHECK_FALSE(ui.most_permissive("nonexistent").has_value());
  CHECK(ui.rate_limits.size() == 12);
  CHECK_FALSE(ui.blocked);
}

TEST_CASE("an exempt user: noratelimit and an empty ratelimits object") {
  const auto ui = parse_userinfo(test::mediawiki_answer("03-02-admin-sandbox-userinfo.json"));
  CHECK(ui.name == "Admin");
  CHECK(ui.has_right("noratelimit"));
  CHECK(ui.rate_limits.empty());
  CHECK(ui.exempt_from_rate_limits());
  CHECK_FALSE(ui.most_permissive("upload").has_value());
}

TEST_CASE("most permissive class wins; the first one on a tie (Commons' shape)") {
  const auto v = json::parse(R"({"query":{"userinfo":{"id":7,"name":"P","rights":["upload"],
    "ratelimits":{"upload":{"user":{"hits":380,"seconds":4320},"patroller":{"hits":999,"seconds":1}},
                  "edit":{"user":{"hits":900,"seconds":180},"autopatrolled":{"hits":1500,"seconds":180},
                          "newbie":{"hits":1500,"seconds":180}}}}}})");
  const auto ui = parse_userinfo(v);
  CHECK(ui.most_permissive("upload") == RateLimit{999, 1});
  const auto edit = ui.rate_limits.at("edit");
  REQUIRE(edit.size() == 3);
  CHECK(edit[1].limit_class == "autopatrolled");
  CHECK(ui.most_permissive("edit") == RateLimit{1500, 180});
  CHECK(RateLimit{10, 0}.per_second() == 0.0);
}

TEST_CASE("formatversion 1 shapes, anonymous and blocked users") {
  const auto anon = parse_userinfo(json::parse(
      R"({"batchcomplete":"","query":{"userinfo":{"id":0,"name":"127.0.0.1","anon":"","ratelimits":[]}}})"));
  CHECK(anon.anonymous);
  CHECK(anon.rate_limits.empty());
  const auto blocked = parse_userinfo(json::parse(
      R"({"query":{"userinfo":{"id":5,"name":"B","blockid":12,"blockedby":"Admin","blockreason":"spam"}}})"));
  CHECK(blocked.blocked);
  CHECK(blocked.block_reason == "spam");
}

TEST_CASE("malformed userinfo answers are refused clearly, bad entries skipped") {
  CHECK_THROWS_AS(parse_userinfo(json::parse("[]")), Error);
  CHECK_THROWS_AS(parse_userinfo(json::parse(R"({"query":{}})")), Error);
  CHECK_THROWS_AS(parse_userinfo(json::parse(R"({"query":{"userinfo":[]}})")), Error);
  CHECK_THROWS_AS(parse_userinfo(json::parse(R"({"query":{"userinfo":{"ratelimits":"x"}}})")),
                  Error);
  CHECK_THROWS_AS(parse_userinfo(json::parse(R"({"query":{"userinfo":{"rights":"upload"}}})")),
                  Error);
  CHECK_THROWS_AS(parse_userinfo(json::parse(R"({"error":{"code":"readapidenied","info":"x"}})")),
                  ApiException);
  const auto ui = parse_userinfo(json::parse(R"({"query":{"userinfo":{"id":1,"name":"X",
    "rights":["edit",5,null],"ratelimits":{"upload":{"user":{"hits":"10","seconds":60},
    "ip":{"hits":5,"seconds":0},"newbie":{"hits":-1,"seconds":60}},"edit":[],"move":{"user":3}}}}})"));
  CHECK(ui.rights == std::vector<std::string>{"edit"});
  CHECK(ui.rate_limits.empty());  // every entry was malformed
}
