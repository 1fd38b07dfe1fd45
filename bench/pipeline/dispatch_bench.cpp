// Dispatcher cost: how long a pass takes with many queued rows and many
// users (the due_per_user window query plus publishing), and how fast tasks
// are claimed and finished without any network (the database side of a job).
//
//   dispatch_bench [database-url] [users] [rows-per-user]
//
// Default: a temporary SQLite file, 100 users x 1000 rows.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "curator/core/ids.hpp"
#include "curator/core/log.hpp"
#include "curator/pipeline/dispatcher.hpp"
#include "curator/queue/task_queue.hpp"
#include "curator/store/batches.hpp"
#include "curator/store/database.hpp"
#include "curator/store/uploads.hpp"
#include "curator/store/users.hpp"

using namespace curator;
using BenchClock = std::chrono::steady_clock;

namespace {
double ms_since(BenchClock::time_point t0) {
  return std::chrono::duration<double, std::milli>(BenchClock::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
  log::configure(log::Level::warning, log::Format::text);
  const auto dir = std::filesystem::temp_directory_path() / ("dispatch-bench-" + random_hex(8));
  std::filesystem::create_directories(dir);
  const std::string url =
      argc > 1 && std::string(argv[1]) != "-" ? argv[1] : "sqlite://" + (dir / "b.db").string();
  const int users = argc > 2 ? std::stoi(argv[2]) : 100;
  const int rows = argc > 3 ? std::stoi(argv[3]) : 1000;

  auto db = store::Database::open(url);
  db.migrate();
  store::UploadRepository uploads(db);
  auto t0 = BenchClock::now();
  for (int u = 0; u < users; ++u) {
    const auto userid = "bench-" + std::to_string(u);
    store::UserRepository(db).ensure(userid, userid);
    const auto batch = store::BatchRepository(db).create(userid);
    std::vector<store::NewUpload> items(static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i) {
      items[static_cast<std::size_t>(i)].key = std::to_string(i);
      items[static_cast<std::size_t>(i)].filename = "Bench " + std::to_string(i) + ".jpg";
      items[static_cast<std::size_t>(i)].wikitext = "bench";
    }
    uploads.create(batch.id, userid, "mapillary", std::string("token"), items);
  }
  std::printf("insert: %d rows in %.0f ms\n", users * rows, ms_since(t0));

  std::shared_ptr<queue::TaskQueue> tasks = queue::make_in_process_task_queue();
  pipeline::PipelineOptions options;
  pipeline::Dispatcher dispatcher(db, tasks, options);
  t0 = BenchClock::now();
  const auto first = dispatcher.pass();
  std::printf("first pass: %zu tasks published in %.1f ms\n", first, ms_since(t0));
  t0 = BenchClock::now();
  constexpr int kIdle = 20;
  for (int i = 0; i < kIdle; ++i)
    dispatcher.pass();
  std::printf("idle pass (nothing new): %.1f ms\n", ms_since(t0) / kIdle);

  // Claim and finish through the queue, refilling as a worker pool would.
  t0 = BenchClock::now();
  int done = 0;
  const int target = std::min(users * rows, 5000);
  while (done < target) {
    auto d = tasks->fetch("bench", std::chrono::milliseconds(0));
    if (!d) {
      dispatcher.pass();
      continue;
    }
    if (uploads.claim(d->task.upload_id, "bench", std::chrono::seconds(60))) {
      uploads.finish(d->task.upload_id, "bench", UploadStatus::completed, std::nullopt,
                     std::string("https://example.org/x"));
      ++done;
    }
    tasks->ack(*d);
    dispatcher.done(d->task.upload_id);
  }
  const auto elapsed = ms_since(t0);
  std::printf("claim+finish: %d uploads in %.0f ms (%.0f per second, one thread)\n", done, elapsed,
              done / (elapsed / 1000.0));
  std::filesystem::remove_all(dir);
  return 0;
}
