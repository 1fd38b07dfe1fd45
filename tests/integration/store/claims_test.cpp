// The worker's transitions on both backends: claims under a lease, renewal, outcomes,
// requeues with per-reason counters, the lease sweeper; and races between threads and
// between processes: exactly one claimer wins, a cancelled row is never claimed.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <set>
#include <thread>

#include "curator/core/error.hpp"
#include "curator/store/batches.hpp"
#include "curator/store/uploads.hpp"
#include "curator/store/users.hpp"
#include "store_fixture.hpp"

using namespace curator;
using namespace curator::store;
using namespace curator::store::test;
using std::chrono::seconds;

namespace {

std::vector<Id> make_rows(Database& db, std::size_t n, Batch* batch_out = nullptr) {
  UserRepository(db).ensure("1", "Alice");
  const auto batch = BatchRepository(db).create("1");
  if (batch_out != nullptr) *batch_out = batch;
  std::vector<NewUpload> items;
  for (std::size_t i = 0; i < n; ++i)
    items.push_back(new_upload(std::to_string(i)));
  return UploadRepository(db).create(batch.id, "1", "mapillary", "tok", items);
}

}  // namespace

TEST_CASE_TEMPLATE("claims: lease, renewal, outcome, requeue and sweep", B, OnSqlite, OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  auto& clock = scratch->clock;
  const auto ids = make_rows(db, 3);
  UploadRepository uploads(db);

  CHECK(uploads.due(10) == ids);
  const auto claimed = uploads.claim(ids[0], "worker-a", seconds(60));
  REQUIRE(claimed.has_value());
  CHECK(claimed->status == UploadStatus::in_progress);
  CHECK(claimed->lease_owner == "worker-a");
  CHECK(claimed->lease_expires_at == clock.now() + seconds(60));
  CHECK(claimed->access_token == "tok");
  CHECK_FALSE(uploads.claim(ids[0], "worker-b", seconds(60)).has_value());
  CHECK(uploads.due(10) == std::vector<Id>{ids[1], ids[2]});

  CHECK_FALSE(uploads.renew_lease(ids[0], "worker-b", seconds(60)));
  CHECK(uploads.renew_lease(ids[0], "worker-a", seconds(60)));  // same second: unchanged row
  clock.advance(seconds(30));
  CHECK(uploads.renew_lease(ids[0], "worker-a", seconds(60)));
  CHECK(uploads.find(ids[0])->lease_expires_at == clock.now() + seconds(60));

  CHECK_FALSE(uploads.finish(ids[0], "worker-b", UploadStatus::completed, std::nullopt, "u"));
  CHECK(uploads.finish(ids[0], "worker-a", UploadStatus::completed, std::nullopt,
                       "https://commons.wikimedia.org/wiki/File:A.jpg"));
  const auto done = uploads.find(ids[0]).value();
  CHECK(done.status == UploadStatus::completed);
  CHECK(done.success == "https://commons.wikimedia.org/wiki/File:A.jpg");
  CHECK_FALSE(done.access_token.has_value());
  CHECK_FALSE(done.lease_owner.has_value());
  CHECK_FALSE(uploads.finish(ids[0], "worker-a", UploadStatus::failed, std::nullopt));

  SUBCASE("requeue schedules the retry and counts it per reason") {
    REQUIRE(uploads.claim(ids[1], "worker-a", seconds(60)));
    CHECK(uploads.requeue(ids[1], "worker-a", RetryReason::storage, clock.now() + seconds(300)) ==
          1);
    CHECK_FALSE(uploads.requeue(ids[1], "worker-a", RetryReason::storage, clock.now()));
    auto row = uploads.find(ids[1]).value();
    CHECK(row.status == UploadStatus::queued);
    CHECK(row.not_before == clock.now() + seconds(300));
    CHECK_FALSE(row.lease_owner.has_value());
    CHECK(uploads.due(10) == std::vector<Id>{ids[2]});
    CHECK_FALSE(uploads.claim(ids[1], "worker-a", seconds(60)).has_value());  // not due yet
    CHECK(uploads.next_due_time() == uploads.find(ids[2])->created_at);       // due since then
    clock.advance(seconds(300));
    REQUIRE(uploads.claim(ids[1], "worker-b", seconds(60)));
    CHECK(uploads.requeue(ids[1], "worker-b", RetryReason::storage, clock.now()) == 2);
    REQUIRE(uploads.claim(ids[1], "worker-b", seconds(60)));
    CHECK(uploads.requeue(ids[1], "worker-b", RetryReason::hash_lock, clock.now()) == 1);
    row = uploads.find(ids[1]).value();
    CHECK(row.attempts[RetryReason::storage] == 2);
    CHECK(row.attempts[RetryReason::hash_lock] == 1);
    CHECK(row.attempts[RetryReason::source] == 0);
  }

  SUBCASE("an expired lease is swept back to the queue, and its old owner loses") {
    REQUIRE(uploads.claim(ids[1], "worker-a", seconds(10)));
    REQUIRE(uploads.claim(ids[2], "worker-b", seconds(10)));
    clock.advance(seconds(10));
    CHECK(uploads.release_expired_leases(10).empty());  // expires after, not at, the instant
    clock.advance(seconds(1));
    CHECK(uploads.renew_lease(ids[2], "worker-b", seconds(10)));  // still alive: keeps it
    CHECK(uploads.release_expired_leases(10) == std::vector<Id>{ids[1]});
    const auto row = uploads.find(ids[1]).value();
    CHECK(row.status == UploadStatus::queued);
    CHECK(row.attempts[RetryReason::lease_expired] == 1);
    CHECK_FALSE(uploads.finish(ids[1], "worker-a", UploadStatus::completed, std::nullopt, "u"));
    CHECK(uploads.claim(ids[1], "worker-c", seconds(10)).has_value());
  }

  SUBCASE("transitions are conditional on the expected state") {
    CHECK_FALSE(uploads.transition(ids[1], UploadStatus::in_progress, UploadStatus::failed));
    CHECK(uploads.transition(ids[1], UploadStatus::queued, UploadStatus::failed,
                             StructuredError::generic("retries used up")));
    CHECK_FALSE(uploads.find(ids[1])->access_token.has_value());
    CHECK_THROWS_AS(uploads.transition(ids[2], UploadStatus::queued, UploadStatus::in_progress),
                    Error);
    CHECK_THROWS_AS(uploads.finish(ids[2], "w", UploadStatus::queued, std::nullopt), Error);
    CHECK_THROWS_AS(uploads.claim(ids[2], "", seconds(10)), Error);
    CHECK_THROWS_AS(uploads.claim(ids[2], "w", seconds(0)), Error);
    CHECK_FALSE(uploads.claim(-4, "w", seconds(10)).has_value());
    CHECK(uploads.clear_access_token(ids[2]));
    CHECK(uploads.clear_access_token(ids[2]));  // nothing to change, still found
    CHECK_FALSE(uploads.clear_access_token(424242));
  }
}

TEST_CASE_TEMPLATE("claims: threads racing for the same uploads, exactly one wins each", B,
                   OnSqlite, OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  const auto ids = make_rows(db, 150);
  constexpr int kThreads = 4;
  std::vector<std::vector<Id>> won(kThreads);
  std::vector<std::string> errors(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        UploadRepository uploads(db);
        start.arrive_and_wait();
        for (const auto id : ids) {
          if (uploads.claim(id, "thread-" + std::to_string(t), seconds(60))) won[t].push_back(id);
        }
      } catch (const std::exception& e) {
        errors[t] = e.what();
      }
    });
  }
  for (auto& th : threads)
    th.join();
  std::multiset<Id> all;
  for (int t = 0; t < kThreads; ++t) {
    CHECK_MESSAGE(errors[t].empty(), errors[t]);
    all.insert(won[t].begin(), won[t].end());
  }
  CHECK(all.size() == ids.size());
  CHECK(std::set<Id>(all.begin(), all.end()).size() == ids.size());
  UploadRepository uploads(db);
  for (int t = 0; t < kThreads; ++t) {
    for (const auto id : won[t]) {
      CHECK(uploads.find(id)->lease_owner == "thread-" + std::to_string(t));
    }
  }
}

TEST_CASE_TEMPLATE("claims: a cancelled upload is never claimed, even racing the cancel", B,
                   OnSqlite, OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  Batch batch;
  const auto ids = make_rows(db, 120, &batch);
  UploadRepository uploads(db);
  REQUIRE(uploads.cancel_batch(batch.id, std::string("1")).size() == ids.size());
  for (const auto id : ids)
    CHECK_FALSE(uploads.claim(id, "w", seconds(60)).has_value());

  // Race: a fresh set of rows, one thread claims them while another cancels the batch.
  Batch racing;
  const auto more = make_rows(db, 120, &racing);
  std::set<Id> claimed;
  std::map<Id, std::string> cancelled;
  std::latch start(2);
  std::thread claimer([&] {
    UploadRepository repo(db);
    start.arrive_and_wait();
    for (auto it = more.rbegin(); it != more.rend(); ++it) {
      if (repo.claim(*it, "w", seconds(60))) claimed.insert(*it);
    }
  });
  std::thread canceller([&] {
    UploadRepository repo(db);
    start.arrive_and_wait();
    cancelled = repo.cancel_batch(racing.id, std::nullopt);
  });
  claimer.join();
  canceller.join();
  CHECK(claimed.size() + cancelled.size() == more.size());
  for (const auto id : more) {
    const auto row = uploads.find(id).value();
    if (claimed.contains(id)) {
      CHECK(row.status == UploadStatus::in_progress);
      CHECK_FALSE(cancelled.contains(id));
    } else {
      CHECK(row.status == UploadStatus::cancelled);
      CHECK(cancelled.contains(id));
    }
  }
}

TEST_CASE_TEMPLATE("claims: two processes racing for the same uploads, exactly one wins each", B,
                   OnSqlite, OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  const auto ids = make_rows(db, 150);

  constexpr int kProcesses = 2;
  std::vector<pid_t> pids;
  std::vector<int> results;
  int go[2];
  REQUIRE(pipe(go) == 0);
  for (int p = 0; p < kProcesses; ++p) {
    int out[2];
    REQUIRE(pipe(out) == 0);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      // Child: its own connections; never touch the parent's, never run destructors.
      close(out[0]);
      close(go[1]);
      int code = 0;
      try {
        auto mine = scratch->open();
        UploadRepository uploads(mine);
        char byte = 0;
        if (read(go[0], &byte, 1) != 1) _exit(3);
        std::string text;
        for (const auto id : ids) {
          if (uploads.claim(id, "process-" + std::to_string(p), seconds(60))) {
            text += std::to_string(id) + "\n";
          }
        }
        if (write(out[1], text.data(), text.size()) != static_cast<ssize_t>(text.size())) code = 4;
      } catch (const std::exception& e) {
        const std::string msg = std::string("E ") + e.what() + "\n";
        [[maybe_unused]] const auto ignored = write(out[1], msg.data(), msg.size());
        code = 2;
      }
      _exit(code);
    }
    close(out[1]);
    pids.push_back(pid);
    results.push_back(out[0]);
  }
  close(go[0]);
  REQUIRE(write(go[1], "gg", kProcesses) == kProcesses);  // both start together
  close(go[1]);

  std::multiset<Id> all;
  for (int p = 0; p < kProcesses; ++p) {
    std::string text;
    char buf[4096];
    for (ssize_t n; (n = read(results[p], buf, sizeof buf)) > 0;)
      text.append(buf, n);
    close(results[p]);
    int status = 0;
    REQUIRE(waitpid(pids[p], &status, 0) == pids[p]);
    CHECK_MESSAGE(WIFEXITED(status), "child " << p << " did not exit");
    CHECK_MESSAGE(WEXITSTATUS(status) == 0, "child " << p << ": " << text);
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty() && line[0] != 'E') all.insert(std::stoll(line));
    }
  }
  CHECK(all.size() == ids.size());
  CHECK(std::set<Id>(all.begin(), all.end()).size() == ids.size());
  CHECK(UploadRepository(db).due(1000).empty());
}
