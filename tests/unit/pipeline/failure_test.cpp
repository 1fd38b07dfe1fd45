// Failure classification: each step and error kind → a retry reason (with
// its own budget) or a failure message the user can act on.
#include <doctest/doctest.h>

#include <stdexcept>

#include "curator/core/error.hpp"
#include "curator/mediawiki/api_error.hpp"
#include "curator/pipeline/options.hpp"
#include "pipeline/failure.hpp"

using namespace curator;
using namespace curator::pipeline;
using namespace curator::pipeline::detail;
using store::RetryReason;

namespace {
mediawiki::ApiException api(std::string code, std::string info = "x") {
  mediawiki::ApiError e;
  e.code = code;
  e.info = info;
  e.type = mediawiki::classify_api_error(code, info);
  return mediawiki::ApiException(e);
}
}  // namespace

TEST_CASE("source and CDN trouble retries under the source budget") {
  for (auto step : {Step::metadata, Step::download}) {
    const auto d = classify(step, Error(ErrorKind::transient, "HTTP 503"), "Mapillary");
    CHECK(d.retry);
    CHECK(d.reason == RetryReason::source);
    const auto limited = classify(
        step, Error(ErrorKind::rate_limited, "429").with_retry_after(std::chrono::seconds(30)),
        "Mapillary");
    CHECK(limited.reason == RetryReason::source);
    REQUIRE(limited.at_least.has_value());
    CHECK(*limited.at_least == std::chrono::seconds(30));
  }
}

TEST_CASE("permanent source errors fail with a message naming the source") {
  const auto gone =
      classify(Step::metadata, Error(ErrorKind::not_found, "no such image"), "Mapillary");
  CHECK_FALSE(gone.retry);
  CHECK(gone.message.find("no longer available on Mapillary") != std::string::npos);
  const auto token = classify(Step::metadata, Error(ErrorKind::auth, "bad token"), "Flickr");
  CHECK(token.message.find("administrator") != std::string::npos);
  const auto refused =
      classify(Step::metadata, Error(ErrorKind::invalid_input, "not freely licensed"), "Flickr");
  CHECK(refused.message.find("cannot be uploaded: not freely licensed") != std::string::npos);
  const auto forbidden =
      classify(Step::download, Error(ErrorKind::permanent, "HTTP 403"), "Mapillary");
  CHECK_FALSE(forbidden.retry);
  CHECK(forbidden.message.find("could not be downloaded from Mapillary") != std::string::npos);
}

TEST_CASE("Commons errors: stash storage, rate limits and network each have a reason") {
  CHECK(classify(Step::wiki, api("uploadstash-exception"), "M").reason == RetryReason::storage);
  CHECK(classify(Step::wiki, api("uploadstash-exception"), "M").retry);
  const auto limited = classify(Step::wiki, api("ratelimited"), "M");
  CHECK(limited.retry);
  CHECK(limited.reason == RetryReason::rate_limited);
  const auto net = classify(Step::wiki, Error(ErrorKind::transient, "timeout"), "M");
  CHECK(net.retry);
  CHECK(net.reason == RetryReason::transient);
  CHECK(classify(Step::after_publish, api("editconflict"), "M").reason == RetryReason::transient);
  CHECK(classify(Step::hash_lock, Error(ErrorKind::conflict, "locked"), "M").reason ==
        RetryReason::hash_lock);
  CHECK(classify(Step::hash_lock, Error(ErrorKind::transient, "redis"), "M").reason ==
        RetryReason::transient);
}

TEST_CASE("a refused login and other permanent Commons errors fail at once") {
  const auto login = classify(Step::wiki, api("mwoauth-invalid-authorization", "bad"), "M");
  CHECK_FALSE(login.retry);
  CHECK(login.message.find("Log in again") != std::string::npos);
  const auto after = classify(Step::after_publish, api("modification-failed", "bad claim"), "M");
  CHECK_FALSE(after.retry);
  CHECK(after.message.find("The file is on Commons") != std::string::npos);
  const auto odd = classify(Step::wiki, std::runtime_error("boom"), "M");
  CHECK_FALSE(odd.retry);
  CHECK(odd.message.find("Internal error") != std::string::npos);
  const auto creds = classify(Step::credentials, Error(ErrorKind::auth, "invalid token"), "M");
  CHECK_FALSE(creds.retry);
  CHECK(creds.message.find("Log in again") != std::string::npos);
}

TEST_CASE("budgets: the upstream delays per reason, counted separately") {
  RetryBudgets b;
  CHECK(b.delays(RetryReason::source).size() == 1);
  CHECK(b.delays(RetryReason::source)[0] == std::chrono::seconds(600));
  CHECK(b.delays(RetryReason::storage) ==
        Delays{std::chrono::seconds(300), std::chrono::seconds(600), std::chrono::seconds(900)});
  CHECK(b.delays(RetryReason::hash_lock).size() == 3);
  CHECK(b.delays(RetryReason::transient) ==
        Delays{std::chrono::seconds(3), std::chrono::seconds(5), std::chrono::seconds(10)});
  CHECK(b.delays(RetryReason::lease_expired).empty());
  const auto m = exhausted_message(RetryReason::source, 1, "HTTP 503");
  CHECK(m.find("image source kept failing") != std::string::npos);
  CHECK(m.find("HTTP 503") != std::string::npos);
  CHECK(source_display_name("mapillary") == "Mapillary");
  CHECK(source_display_name("flickr") == "Flickr");
  CHECK(source_display_name("zooniverse") == "Zooniverse");
  CHECK(source_display_name("") == "");
}
