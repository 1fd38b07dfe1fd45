// Commons misbehaving: a duplicate the SHA-1 lookup missed is caught by the
// upload's own warnings; stash storage errors and rate limits are retried
// from their own budgets and end with a reason when they persist.
#include <doctest/doctest.h>

#include "curator/mediawiki/titles.hpp"
#include "world.hpp"

using namespace curator;
using namespace curator::pipeline;
using namespace curator::pipeline::e2e;

TEST_CASE("a duplicate the SHA-1 lookup missed is caught by the upload's warnings") {
  World w(Mode::embedded);
  const auto image = w.new_image();
  const auto first_title = unique_title("warned-original");
  const auto first = w.schedule({{image, first_title}});
  w.pipeline().start();
  REQUIRE(w.wait_terminal(first[0]).status == UploadStatus::completed);
  // From now on the lookup by SHA-1 finds nothing (a lagging replica).
  w.proxy().fault(R"({"action":"query","params":{"list":"allimages"},)"
                  R"("json":{"batchcomplete":true,"query":{"allimages":[]}}})");
  const auto title = unique_title("warned-copy");
  const auto copy = w.schedule({{image, title}});
  w.pipeline().wake();
  const auto row = w.wait_terminal(copy[0]);
  CHECK(row.status == UploadStatus::duplicated_sdc_not_updated);
  REQUIRE(row.error.has_value());
  REQUIRE_FALSE(row.error->links.empty());
  CHECK(row.error->links[0].title == mediawiki::file_title(first_title));
  CHECK(w.upload_requests_of(title) > 0);               // the bytes went to the stash ...
  CHECK_FALSE(w.wiki().image_info(title).has_value());  // ... but no second file exists
}

TEST_CASE("stash storage failures are retried from the storage budget, then fail with it") {
  World w(Mode::embedded);
  const auto title = unique_title("stash-broken");
  w.proxy().fault(R"({"action":"upload","params":{"filename":")" + title +
                  R"("},"error":"uploadstash-exception"})");
  const auto ids = w.schedule({{w.new_image(), title}});
  w.pipeline().start();
  const auto row = w.wait_terminal(ids[0]);
  CHECK(row.status == UploadStatus::failed);
  CHECK(row.attempts[store::RetryReason::storage] == 3);
  CHECK(row.attempts[store::RetryReason::transient] == 0);
  CHECK(row.error->message.find("upload storage kept failing") != std::string::npos);
  CHECK(w.publishes_of(title) == 0);
}

TEST_CASE("a Commons rate limit that outlasts the client's waits requeues, then heals") {
  World w(Mode::embedded);
  const auto title = unique_title("rate-limited");
  // Enough refusals to exhaust one run's waits (1 + 2 retries), not the budget.
  w.proxy().fault(R"({"action":"upload","params":{"filename":")" + title +
                  R"("},"error":"ratelimited","count":3})");
  const auto ids = w.schedule({{w.new_image(), title}});
  w.pipeline().start();
  const auto row = w.wait_terminal(ids[0]);
  CHECK(row.status == UploadStatus::completed);
  CHECK(row.attempts[store::RetryReason::rate_limited] == 1);
  CHECK(w.publishes_of(title) == 1);
}
