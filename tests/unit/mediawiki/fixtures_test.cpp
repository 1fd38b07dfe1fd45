// Every recorded answer, interpreted: each error has the code its
// MediaWiki-API-Error header named and a type other than `other`; each upload
// answer parses.

#include <doctest/doctest.h>

#include <map>

#include "curator/mediawiki/api_error.hpp"
#include "curator/mediawiki/upload.hpp"
#include "fixtures.hpp"

using namespace curator;
using namespace curator::mediawiki;

namespace {

const std::map<std::string, ApiErrorType>& expected_types() {
  static const std::map<std::string, ApiErrorType> m{
      {"badtoken", ApiErrorType::bad_token},
      {"cannot-async-upload-file", ApiErrorType::invalid_request},
      {"chunk-too-small", ApiErrorType::chunk_rejected},
      {"empty-file", ApiErrorType::file_refused},
      {"filekeyneeded", ApiErrorType::chunk_rejected},
      {"filekeynotallowed", ApiErrorType::chunk_rejected},
      {"filename-toolong", ApiErrorType::bad_filename},
      {"filename-tooshort", ApiErrorType::bad_filename},
      {"filetype-banned", ApiErrorType::file_refused},
      {"filetype-missing", ApiErrorType::bad_filename},
      {"illegal-filename", ApiErrorType::bad_filename},
      {"invalid-chunk", ApiErrorType::chunk_rejected},
      {"invalid-file-key", ApiErrorType::invalid_request},
      {"invalidsha1hash", ApiErrorType::invalid_request},
      {"missingparam", ApiErrorType::invalid_request},
      {"missingresult", ApiErrorType::missing_result},
      {"missingtitle", ApiErrorType::missing_title},
      {"mustpostparams", ApiErrorType::invalid_request},
      {"publishfailed", ApiErrorType::upload_in_progress},
      {"ratelimited", ApiErrorType::rate_limited},
      {"titleblacklist-forbidden", ApiErrorType::title_blacklisted},
      {"titleblacklist-forbidden-edit", ApiErrorType::title_blacklisted},
      {"uploadstash-file-not-found", ApiErrorType::stash_not_found},
      {"uploadstash-wrong-owner", ApiErrorType::stash_wrong_owner},
      {"verification-error", ApiErrorType::file_refused},
  };
  return m;
}

}  // namespace

TEST_CASE("every recorded error answer has its header's code and a known type") {
  int errors = 0, answers = 0;
  for (const auto& name : test::mediawiki_fixture_names()) {
    CAPTURE(name);
    const auto fixture = test::mediawiki_fixture(name);
    const auto& o = fixture.as_object();
    const auto error = find_api_error(o.at("response"));
    const auto& header = o.at("api_error_header");
    ++answers;
    if (header.is_null()) {
      CHECK_FALSE(error.has_value());
      continue;
    }
    ++errors;
    REQUIRE(error.has_value());
    CHECK(error->code == header.as_string());
    CHECK(error->type != ApiErrorType::other);
    CHECK_FALSE(error->info.empty());
    if (error->code == "stashfailed") continue;  // two meanings, checked below
    const auto it = expected_types().find(error->code);
    REQUIRE_MESSAGE(it != expected_types().end(), "no expectation for " << error->code);
    CHECK(error->type == it->second);
  }
  CHECK(answers == 121);
  CHECK(errors == 46);
}

TEST_CASE("every recorded non-error upload answer parses into a reply") {
  int replies = 0;
  for (const auto& name : test::mediawiki_fixture_names()) {
    CAPTURE(name);
    const auto fixture = test::mediawiki_fixture(name);
    const auto& o = fixture.as_object();
    if (test::fixture_request_field(fixture, "action") != "upload") continue;
    if (!o.at("api_error_header").is_null()) {
      CHECK_THROWS_AS(parse_upload_reply(o.at("response")), ApiException);
      continue;
    }
    const auto reply = parse_upload_reply(o.at("response"));
    ++replies;
    if (reply.result == UploadResult::continue_) {
      REQUIRE(reply.offset.has_value());
      CHECK(reply.filekey.has_value());
    }
    if (reply.result == UploadResult::warning) {
      CHECK_FALSE(reply.warnings.empty());
      CHECK(reply.filekey.has_value());  // a Warning answer always stashes
    }
  }
  CHECK(replies == 50);
}

TEST_CASE("stashfailed means a wrong offset or a lost chunk session, told apart") {
  const auto wrong = find_api_error(
      test::mediawiki_answer("13-02-chunk-2-sent-with-a-wrong-offset-2-mib-instead-of-.json"));
  REQUIRE(wrong.has_value());
  CHECK(wrong->type == ApiErrorType::wrong_offset);
  CHECK(wrong->kind() == ErrorKind::conflict);
  REQUIRE(wrong->expected_offset().has_value());
  CHECK(*wrong->expected_offset() == 1048576u);  // sent as the string "1048576"

  const auto lost = find_api_error(
      test::mediawiki_answer("07-07-uploader-continue-with-the-filekey-of-the-warning-.json"));
  REQUIRE(lost.has_value());
  CHECK(lost->type == ApiErrorType::stash_not_found);
  CHECK(lost->kind() == ErrorKind::not_found);
  CHECK_FALSE(lost->expected_offset().has_value());
}
