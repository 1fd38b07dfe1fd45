// The rate-limited account hits `ratelimited` after its upload limit; the
// admin (noratelimit) never does. Only this file publishes as the limited
// account, and it fails rather than skips when the services are missing.

#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/mediawiki/api_error.hpp"
#include "curator/mediawiki/chunked_upload.hpp"
#include "wiki.hpp"

using namespace curator;
using namespace curator::mediawiki;

namespace {

UploadOutcome upload_one(MediaWikiClient& client, const test::TempDir& dir) {
  ChunkedUploadOptions o;
  o.async = false;
  return ChunkedUpload(client, test::make_png(dir, 3000), test::unique_name("rate"), o).run();
}

}  // namespace

TEST_CASE("the limited user is refused with rate_limited; backoff waits are capped") {
  test::TempDir dir;
  const auto limit = std::stoi(test::require_env("CURATOR_TEST_MW_UPLOAD_LIMIT"));
  test::RecordedSleeps sleeps;
  auto options = test::wiki_options();
  options.retry.sleep = sleeps.function();
  options.retry.rate_limited_retries = 2;
  options.retry.rate_limited_delay = std::chrono::milliseconds(40000);
  options.retry.max_rate_limited_delay = std::chrono::milliseconds(60000);
  auto uploader = test::limited_client(options);
  int published = 0;
  std::optional<ApiException> refusal;
  for (int i = 0; i < limit + 1 && !refusal; ++i) {
    std::optional<UploadOutcome> outcome;
    try {
      outcome = upload_one(uploader, dir);
    } catch (const ApiException& e) {
      refusal = e;
      break;
    }
    REQUIRE(outcome->published());
    ++published;
  }
  // Earlier runs in the same window may have used some of the budget.
  CHECK(published <= limit);
  REQUIRE(refusal.has_value());
  CHECK(refusal->type() == ApiErrorType::rate_limited);
  CHECK(refusal->kind() == ErrorKind::rate_limited);
  REQUIRE(refusal->retry_after().has_value());
  CHECK(refusal->retry_after()->count() == 60);  // the next wait, at the cap
  // Two backoffs before giving up: 40 s, then 80 s capped to 60 s (recorded, not slept).
  const std::vector<std::chrono::milliseconds> expected{std::chrono::milliseconds(40000),
                                                        std::chrono::milliseconds(60000)};
  CHECK(*sleeps.waits == expected);
  // Chunks and stash-only requests are not counted as uploads: the stash
  // still takes the bytes, only the publish is refused.
  CHECK(uploader.stats().retries == 2);
}

TEST_CASE("the admin bot (noratelimit) uploads past the limit") {
  test::TempDir dir;
  const auto limit = std::stoi(test::require_env("CURATOR_TEST_MW_UPLOAD_LIMIT"));
  auto options = test::wiki_options();
  options.retry.rate_limited_retries = 0;
  auto admin = test::admin_client(options);
  for (int i = 0; i < limit + 2; ++i) {
    CAPTURE(i);
    CHECK(upload_one(admin, dir).published());
  }
}
