// Cancellation: a cancelled upload never starts; one cancelled while it
// uploads stops at the next step boundary, publishes nothing and stays
// cancelled. A graceful stop releases the upload to the queue.
#include <doctest/doctest.h>

#include "world.hpp"

using namespace curator;
using namespace curator::pipeline;
using namespace curator::pipeline::e2e;

TEST_CASE("cancelled before it starts: never claimed, nothing sent") {
  World w(Mode::embedded);
  const auto a = w.new_image();
  const auto b = w.new_image();
  const auto titles = std::vector{unique_title("cancel-before"), unique_title("cancel-before")};
  const auto ids = w.schedule({{a, titles[0]}, {b, titles[1]}});
  const auto cancelled = store::UploadRepository(w.db()).cancel_batch(w.batch().id, std::nullopt);
  CHECK(cancelled.size() == 2);
  w.pipeline().start();
  // A later upload completing shows the workers ran past the cancelled ones.
  const auto later = w.schedule({{w.new_image(), unique_title("after-cancel")}});
  w.pipeline().wake();
  CHECK(w.wait_terminal(later[0]).status == UploadStatus::completed);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto row = w.row(ids[i]);
    CHECK(row.status == UploadStatus::cancelled);
    CHECK_FALSE(row.access_token.has_value());
    CHECK(w.events().of(ids[i]).empty());
    CHECK(w.upload_requests_of(titles[i]) == 0);
  }
}

TEST_CASE_TEMPLATE("cancelled during the upload: stops at the next step, publishes nothing", M,
                   Embedded, Distributed) {
  World w(M::kMode);
  const auto title = unique_title("cancel-during");
  const auto ids = w.schedule({{w.new_image(300 * 1024), title}});
  // The second chunk is slow: the cancel lands while the job uploads.
  w.proxy().fault(R"({"action":"upload","params":{"offset":"65536"},"delay_ms":1500,"count":1})");
  w.pipeline().start();
  REQUIRE(test::wait_until(
      [&] {
        for (const auto& e : w.proxy().requests("upload")) {
          const auto* o = e.as_object().at("params").as_object().if_contains("offset");
          if (o != nullptr && o->as_string() == "65536") return true;
        }
        return false;
      },
      60s, 20ms));
  REQUIRE(store::UploadRepository(w.db()).cancel_many({ids[0]}) == 1);
  REQUIRE(test::wait_until([&] { return w.pipeline().busy_workers() == 0; }, 30s));
  const auto row = w.row(ids[0]);
  CHECK(row.status == UploadStatus::cancelled);
  CHECK(w.publishes_of(title) == 0);
  CHECK_FALSE(w.wiki().image_info(title).has_value());
  CHECK(w.events().statuses(ids[0]) == std::vector{UploadStatus::in_progress});
  // Its download is gone.
  std::size_t leftovers = 0;
  for (const auto& f : std::filesystem::directory_iterator(w.dir().path() / "tmp")) {
    (void)f;
    ++leftovers;
  }
  CHECK(leftovers == 0);
  w.pipeline().stop();
}

TEST_CASE("a graceful stop releases the upload; the next start completes it") {
  World w(Mode::embedded);
  const auto title = unique_title("stopped");
  const auto ids = w.schedule({{w.new_image(300 * 1024), title}});
  w.proxy().fault(R"({"action":"upload","params":{"offset":"65536"},"delay_ms":1500,"count":1})");
  w.pipeline().start();
  REQUIRE(test::wait_until([&] { return w.row(ids[0]).status == UploadStatus::in_progress; }, 60s,
                           20ms));
  w.stop_pipeline();  // waits for the job to let go
  auto row = w.row(ids[0]);
  CHECK(row.status == UploadStatus::queued);
  CHECK(row.attempts[store::RetryReason::lease_expired] == 1);
  CHECK(row.access_token.has_value());
  CHECK(w.publishes_of(title) == 0);
  w.proxy().clear_faults();
  w.pipeline().start();
  row = w.wait_terminal(ids[0]);
  CHECK(row.status == UploadStatus::completed);
  CHECK(w.publishes_of(title) == 1);
}

TEST_CASE("only one process runs workers on an SQLite database") {
  World w(Mode::embedded);
  w.pipeline().start();
  auto second = Pipeline::from_config(w.config(), w.db(), w.coordination(), fast_options());
  try {
    second->start();
    FAIL("a second worker process started");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::conflict);
    CHECK(std::string(e.what()).find("workers already run") != std::string::npos);
  }
  w.pipeline().stop();
  CHECK_NOTHROW(second->start());
  second->stop();
}

TEST_CASE("cancelled after the publish: the file is on Commons, so the row says completed") {
  World w(Mode::embedded);
  const auto title = unique_title("cancel-after-publish");
  const auto ids = w.schedule({{w.new_image(), title}});
  // The SDC edit is slow: the cancel lands after the publish.
  w.proxy().fault(R"({"action":"wbeditentity","delay_ms":1500,"count":1})");
  w.pipeline().start();
  REQUIRE(test::wait_until([&] { return !w.proxy().requests("wbeditentity").empty(); }, 60s, 20ms));
  REQUIRE(store::UploadRepository(w.db()).cancel_many({ids[0]}) == 1);
  // Cancelled first (terminal), then corrected by the job once its SDC is saved.
  REQUIRE(test::wait_until([&] { return w.row(ids[0]).status == UploadStatus::completed; }, 30s));
  CHECK(w.row(ids[0]).success.has_value());
  CHECK(w.publishes_of(title) == 1);
  // The event follows the row's write: wait for it rather than race it.
  CHECK(test::wait_until(
      [&] {
        const auto seen = w.events().statuses(ids[0]);
        return !seen.empty() && seen.back() == UploadStatus::completed;
      },
      10s));
}
