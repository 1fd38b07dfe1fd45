// Three worker processes starting at the same moment over one queued batch:
// the start-up recovery (upstream-pipeline.md §5, a sentinel set with NX) runs
// in exactly one of them, and the batch completes with one publish per file.
// In the embedded mode the worker lock lets only one of the three run at all.
#include <doctest/doctest.h>

#include "child.hpp"

using namespace curator;
using namespace curator::pipeline;
using namespace curator::pipeline::e2e;

namespace {

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

}  // namespace

TEST_CASE_TEMPLATE("three worker processes starting at once: recovery runs once, batch completes",
                   M, Embedded, Distributed) {
  World w(M::kMode);
  std::vector<World::Upload> uploads;
  for (int i = 0; i < 6; ++i)
    uploads.push_back({w.new_image(), unique_title("three at once")});
  const auto ids = w.schedule(uploads);

  // All three wait for the same wall-clock moment, then start their pipelines.
  const auto at = std::chrono::duration_cast<std::chrono::milliseconds>(
                      (std::chrono::system_clock::now() + 2s).time_since_epoch())
                      .count();
  std::vector<std::unique_ptr<ChildWorker>> children;
  for (int i = 1; i <= 3; ++i) {
    ChildOptions o;
    o.name = "start-" + std::to_string(i);
    o.profile = "crash";
    o.start_at_ms = at;
    children.push_back(std::make_unique<ChildWorker>(w, o));
  }

  auto client = w.wiki();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    CAPTURE(uploads[i].title);
    CHECK(w.wait_terminal(ids[i], 90s).status == UploadStatus::completed);
    CHECK(w.publishes_of(uploads[i].title) == 1);
    const auto info = client.image_info(uploads[i].title);
    REQUIRE(info.has_value());
    CHECK(client.find_files_by_sha1(info->sha1).size() == 1);
  }

  int recoveries = 0, running = 0, refused = 0;
  for (auto& c : children) {
    const auto log = c->log_text();
    recoveries += count_of(log, "recovery: ");
    if (c->alive()) {
      ++running;
    } else {
      CAPTURE(log);
      CHECK(log.find("workers already run on this database") != std::string::npos);
      ++refused;
    }
  }
  CHECK(recoveries == 1);
  if (M::kMode == Mode::embedded) {
    CHECK(running == 1);  // the worker lock: one process per SQLite database
    CHECK(refused == 2);
  } else {
    CHECK(running == 3);
    CHECK(refused == 0);
  }
}
