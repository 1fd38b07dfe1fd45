#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/mediawiki/api_error.hpp"
#include "curator/mediawiki/files.hpp"
#include "curator/mediawiki/pages.hpp"
#include "fixtures.hpp"

using namespace curator;
using namespace curator::mediawiki;

TEST_CASE("allimages by SHA-1: one hit, no hit, a malformed hash") {
  const auto hits =
      parse_allimages(test::mediawiki_answer("11-01-uploader-lookup-the-12-mb-file-by-sha1.json"));
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].name == "Sandbox chunked upload 12MB.png");
  CHECK(hits[0].title == "File:Sandbox chunked upload 12MB.png");
  CHECK(hits[0].sha1 == "d9e5fa7dd20791c5807e0b8aeec9527544ea8d06");
  CHECK(hits[0].size == 12585988u);
  CHECK(hits[0].description_url ==
        "http://127.0.0.1:8391/index.php/File:Sandbox_chunked_upload_12MB.png");
  CHECK(parse_allimages(test::mediawiki_answer("11-02-uploader-unknown-sha1.json")).empty());
  CHECK_THROWS_AS(parse_allimages(test::mediawiki_answer("11-03-uploader-malformed-sha1.json")),
                  ApiException);
  // formatversion 1 and Commons-style entries without a title
  const auto fv1 = parse_allimages(json::parse(
      R"({"query":{"allimages":[{"name":"A_b.jpg","descriptionurl":"https://c/wiki/File:A_b.jpg","url":"u"},
         {"title":"File:No name.jpg"},{},5]}})"));
  REQUIRE(fv1.size() == 2);
  CHECK(fv1[0].title == "File:A b.jpg");
  CHECK(fv1[1].name == "No name.jpg");
  CHECK_THROWS_AS(parse_allimages(json::parse(R"({"query":{"allimages":{}}})")), Error);
  CHECK_THROWS_AS(parse_allimages(json::parse(R"({"batchcomplete":true})")), Error);
}

TEST_CASE("SHA-1 values are checked before they are sent") {
  CHECK(require_sha1("D9E5FA7DD20791C5807E0B8AEEC9527544EA8D06") ==
        "d9e5fa7dd20791c5807e0b8aeec9527544ea8d06");
  for (const char* bad :
       {"", "xyz", "d9e5fa7dd20791c5807e0b8aeec9527544ea8d0",
        "d9e5fa7dd20791c5807e0b8aeec9527544ea8d066", "g9e5fa7dd20791c5807e0b8aeec9527544ea8d06",
        "d9e5fa7dd20791c5807e0b8aeec9527544ea8d0&"}) {
    CAPTURE(bad);
    try {
      require_sha1(bad);
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::invalid_input);
      CHECK(e.code() == "invalidsha1hash");
    }
  }
}

TEST_CASE("imageinfo of one title: present, missing (formatversion 2 and 1)") {
  const auto info =
      parse_imageinfo(test::mediawiki_answer("05-05-verify-imageinfo-sha1-size.json"));
  REQUIRE(info.has_value());
  CHECK(info->name == "Sandbox chunked upload 12MB.png");
  CHECK(info->sha1 == "d9e5fa7dd20791c5807e0b8aeec9527544ea8d06");
  CHECK(info->mime == "image/png");
  CHECK_FALSE(
      parse_imageinfo(
          json::parse(
              R"({"query":{"pages":[{"ns":6,"title":"File:X.jpg","missing":true,"known":false}]}})"))
          .has_value());
  CHECK_FALSE(
      parse_imageinfo(
          json::parse(R"({"query":{"pages":{"-1":{"ns":6,"title":"File:X.jpg","missing":""}}}})"))
          .has_value());
  CHECK_FALSE(parse_imageinfo(json::parse(R"({"query":{"pages":[]}})")).has_value());
  CHECK_FALSE(
      parse_imageinfo(
          json::parse(R"({"query":{"pages":[{"title":"File:X.jpg","imagerepository":""}]}})"))
          .has_value());
  CHECK_THROWS_AS(parse_imageinfo(json::parse(R"({"query":{"pages":"x"}})")), Error);
}

TEST_CASE("the title blacklist verdict") {
  CHECK_FALSE(
      parse_titleblacklist(json::parse(R"({"titleblacklist":{"result":"ok"}})")).blacklisted);
  const auto v = parse_titleblacklist(json::parse(
      R"({"titleblacklist":{"result":"blacklisted","reason":"The title has been banned","message":"titleblacklist-custom-curator-test","line":".*Blacklisted.*"}})"));
  CHECK(v.blacklisted);
  CHECK(v.message == "titleblacklist-custom-curator-test");
  CHECK(v.line == ".*Blacklisted.*");
  CHECK_THROWS_AS(parse_titleblacklist(json::parse(R"({"titleblacklist":{"result":"maybe"}})")),
                  Error);
  CHECK_THROWS_AS(parse_titleblacklist(json::parse(R"({"titleblacklist":{}})")), Error);
  CHECK_THROWS_AS(parse_titleblacklist(json::parse(R"({})")), Error);
}

TEST_CASE("page text: current revision, missing page, no query (replica lag)") {
  const auto page = parse_page_text(test::mediawiki_answer("12-02-uploader-current-text.json"));
  CHECK(page.title == "File:Sandbox chunked upload 12MB.png");
  CHECK_FALSE(page.missing);
  CHECK(page.page_id == 3u);
  CHECK(page.revision_id == 3u);
  CHECK(page.content == "Chunked upload test.");
  CHECK(page.content_model == "wikitext");

  const auto missing = parse_page_text(
      json::parse(R"({"query":{"pages":[{"ns":6,"title":"File:X","missing":true}]}})"));
  CHECK(missing.missing);
  const auto fv1 = parse_page_text(json::parse(
      R"({"query":{"pages":{"5":{"pageid":5,"title":"T","revisions":[{"slots":{"main":{"*":"old"}}}]}}}})"));
  CHECK(fv1.content == "old");

  try {
    parse_page_text(json::parse(R"({"batchcomplete":true})"));
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::transient);
    CHECK(e.code() == "replica-lag");
  }
  CHECK_THROWS_AS(parse_page_text(json::parse(R"({"query":{"pages":[{"title":"T"}]}})")), Error);
  CHECK_THROWS_AS(
      parse_page_text(json::parse(
          R"({"query":{"pages":[{"title":"T","revisions":[{"slots":{"main":{}}}]}]}})")),
      Error);
  try {
    parse_page_text(json::parse(
        R"({"query":{"pages":[{"title":"a<b","invalidreason":"bad char","invalid":true}]}})"));
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
  }
}

TEST_CASE("edit results: null edit, real edit, refusals") {
  const auto null_edit = parse_edit_result(test::mediawiki_answer("12-01-uploader-null-edit.json"));
  CHECK_FALSE(null_edit.changed);
  CHECK(null_edit.page_id == 3u);
  const auto real = parse_edit_result(test::mediawiki_answer("12-04-uploader-real-edit.json"));
  CHECK(real.changed);
  CHECK(real.old_revision_id == 3u);
  CHECK(real.new_revision_id == 7u);
  try {
    parse_edit_result(test::mediawiki_answer("12-05-uploader-nocreate-on-a-missing-page.json"));
    FAIL("expected an error");
  } catch (const ApiException& e) {
    CHECK(e.type() == ApiErrorType::missing_title);
    CHECK(e.kind() == ErrorKind::not_found);
  }
  try {
    parse_edit_result(test::mediawiki_answer("17-34-null-edit-while-rate-limited.json"));
    FAIL("expected an error");
  } catch (const ApiException& e) {
    CHECK(e.kind() == ErrorKind::rate_limited);
  }
  try {
    parse_edit_result(json::parse(R"({"edit":{"result":"Failure","captcha":{"type":"image"}}})"));
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == "edit-refused");
    CHECK(std::string(e.what()).find("captcha") != std::string::npos);
  }
  CHECK_THROWS_AS(parse_edit_result(json::parse(R"({"edit":"Success"})")), Error);
}
