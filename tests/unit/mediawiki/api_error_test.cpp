#include <doctest/doctest.h>

#include "curator/mediawiki/api_error.hpp"
#include "fixtures.hpp"

using namespace curator;
using namespace curator::mediawiki;

TEST_CASE("the error codes upstream retried are transient server errors") {
  for (const char* code :
       {"internal_api_error-UploadStashFileException", "internal_api_error_DBQueryError",
        "internal_api_error-UploadChunkFileException", "internal_api_error-JobQueueError",
        "backend-fail-internal", "backend-fail-notexists"}) {
    CAPTURE(code);
    CHECK(classify_api_error(code, "") == ApiErrorType::server_error);
    CHECK(kind_of(classify_api_error(code, "")) == ErrorKind::transient);
  }
  CHECK(classify_api_error("stashfailed",
                           "Could not store upload in the stash: backend-fail-internal") ==
        ApiErrorType::server_error);
  CHECK(classify_api_error("uploadstash-exception", "") == ApiErrorType::stash_backend);
  CHECK(kind_of(ApiErrorType::stash_backend) == ErrorKind::transient);
}

TEST_CASE("stashfailed is told apart by its info") {
  CHECK(classify_api_error("stashfailed", "Invalid chunk offset") == ApiErrorType::wrong_offset);
  CHECK(classify_api_error("stashfailed", "", true) == ApiErrorType::wrong_offset);
  CHECK(classify_api_error("stashfailed",
                           "Chunked upload is already completed, check status for details.") ==
        ApiErrorType::upload_completed);
  CHECK(classify_api_error("stashfailed", "No chunked upload session with this key.") ==
        ApiErrorType::stash_not_found);
  CHECK(classify_api_error("stashfailed", "Something else") == ApiErrorType::other);
}

TEST_CASE("OAuth errors: a reused nonce is transient, anything else is an auth failure") {
  CHECK(classify_api_error("mwoauth-invalid-authorization",
                           "The authorization headers in your request are not valid: Nonce "
                           "already used: abc") == ApiErrorType::oauth_nonce_reused);
  CHECK(classify_api_error("mwoauth-invalid-authorization", "Invalid signature") ==
        ApiErrorType::not_logged_in);
  CHECK(classify_api_error("mwoauth-invalid-authorization-invalid-user", "") ==
        ApiErrorType::not_logged_in);
  CHECK(kind_of(ApiErrorType::not_logged_in) == ErrorKind::auth);
}

TEST_CASE("any titleblacklist- code is a blacklisted title (custom keys included)") {
  CHECK(classify_api_error("titleblacklist-custom-curator-test", "") ==
        ApiErrorType::title_blacklisted);
  CHECK(classify_api_error("titleblacklist-forbidden-edit", "") == ApiErrorType::title_blacklisted);
  CHECK(kind_of(ApiErrorType::title_blacklisted) == ErrorKind::invalid_input);
}

TEST_CASE("kinds drive retries") {
  CHECK(kind_of(ApiErrorType::rate_limited) == ErrorKind::rate_limited);
  CHECK(kind_of(ApiErrorType::maxlag) == ErrorKind::transient);
  CHECK(kind_of(ApiErrorType::read_only) == ErrorKind::transient);
  CHECK(kind_of(ApiErrorType::bad_token) == ErrorKind::auth);
  CHECK(kind_of(ApiErrorType::article_exists) == ErrorKind::duplicate);
  CHECK(kind_of(ApiErrorType::edit_conflict) == ErrorKind::conflict);
  CHECK(kind_of(ApiErrorType::no_such_entity) == ErrorKind::not_found);
  CHECK(kind_of(ApiErrorType::other) == ErrorKind::permanent);
  CHECK(classify_api_error("some-new-code", "") == ApiErrorType::other);
  CHECK(to_string(ApiErrorType::wrong_offset) == "wrong_offset");
}

TEST_CASE("errorformat=plaintext answers give the same code") {
  const auto e = find_api_error(
      test::mediawiki_answer("15-05-upload-with-a-wrong-token-errorformat-plaintext.json"));
  REQUIRE(e.has_value());
  CHECK(e->code == "badtoken");
  CHECK(e->info == "Invalid CSRF token.");
  CHECK(e->type == ApiErrorType::bad_token);
  CHECK(e->data.contains("module"));
}

TEST_CASE("error data members are kept, docref is dropped") {
  const auto e = find_api_error(test::mediawiki_answer("09-01-uploader-blacklisted-name.json"));
  REQUIRE(e.has_value());
  CHECK(e->type == ApiErrorType::title_blacklisted);
  REQUIRE(e->filekey().has_value());
  CHECK(*e->filekey() == "1d43zt0p1x38.891g6x.3.png");
  CHECK(e->data.at("invalidparameter").as_string() == "filename");
  CHECK_FALSE(e->data.contains("docref"));
  CHECK(e->describe().starts_with("titleblacklist-forbidden-edit: The title"));

  const auto v = find_api_error(
      test::mediawiki_answer("10-07-uploader-png-bytes-named-exe-banned-extension.json"));
  REQUIRE(v.has_value());
  CHECK(v->data.at("details").as_array().size() == 3);
  CHECK_FALSE(v->filekey().has_value());
}

TEST_CASE("malformed and hostile error shapes never crash and never pass as success") {
  auto parse = [](std::string_view text) { return find_api_error(json::parse(text)); };
  CHECK_FALSE(parse("[]").has_value());
  CHECK_FALSE(parse("\"error\"").has_value());
  CHECK_FALSE(parse("{}").has_value());
  CHECK_FALSE(parse(R"({"upload":{"result":"Success"}})").has_value());

  auto e = parse(R"({"error":"boom"})");
  REQUIRE(e.has_value());
  CHECK(e->code == "unknown-error");
  CHECK(e->info == "boom");
  CHECK(e->type == ApiErrorType::other);

  e = parse(R"({"error":{"info":"no code"}})");
  REQUIRE(e.has_value());
  CHECK(e->code == "unknown-error");

  e = parse(R"({"error":{"code":42,"info":["x"]}})");
  REQUIRE(e.has_value());
  CHECK(e->code == "unknown-error");
  CHECK(e->info == R"(["x"])");

  e = parse(R"({"errors":[]})");
  REQUIRE(e.has_value());
  CHECK(e->code == "unknown-error");

  e = parse(R"({"errors":"x"})");
  REQUIRE(e.has_value());

  // Offsets that are not non-negative integers are not offsets.
  for (
      const char* text :
      {R"({"error":{"code":"stashfailed","info":"Invalid chunk offset","offset":"-1"}})",
       R"({"error":{"code":"stashfailed","info":"Invalid chunk offset","offset":"12x"}})",
       R"({"error":{"code":"stashfailed","info":"Invalid chunk offset","offset":-5}})",
       R"({"error":{"code":"stashfailed","info":"Invalid chunk offset","offset":1.5}})",
       R"({"error":{"code":"stashfailed","info":"Invalid chunk offset","offset":""}})",
       R"({"error":{"code":"stashfailed","info":"Invalid chunk offset","offset":"99999999999999999999999"}})"}) {
    CAPTURE(text);
    e = parse(text);
    REQUIRE(e.has_value());
    CHECK(e->type == ApiErrorType::wrong_offset);
    CHECK_FALSE(e->expected_offset().has_value());
  }
  e = parse(R"({"error":{"code":"stashfailed","info":"Invalid chunk offset","offset":2048}})");
  REQUIRE(e.has_value());
  CHECK(e->expected_offset() == 2048u);
}

TEST_CASE("ApiException is a curator::Error with the API's code and kind") {
  const auto e = find_api_error(test::mediawiki_answer("17-12-upload-11.json"));
  REQUIRE(e.has_value());
  try {
    throw ApiException(*e);
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::rate_limited);
    CHECK(error.code() == "ratelimited");
    CHECK(std::string(error.what()).starts_with("ratelimited: "));
    const auto* api = dynamic_cast<const ApiException*>(&error);
    REQUIRE(api != nullptr);
    CHECK(api->type() == ApiErrorType::rate_limited);
  }
}
