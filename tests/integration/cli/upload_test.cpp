// curatorctl uploading for real: the source fakes, the MediaWiki proxy in
// front of the test wiki (it answers the Wikibase calls), the pipeline in
// the curatorctl process. Ctrl-C releases the upload; the same command
// continues it without publishing anything twice.
#include <doctest/doctest.h>

#include "cli_world.hpp"
#include "curator/mediawiki/titles.hpp"
#include "curator/service/batches.hpp"
#include "curator/store/uploads.hpp"

using namespace curator;
using curator::store::test::OnMysql;
using curator::store::test::OnSqlite;

namespace {

std::string unique_title() {
  return "Curator CLI test " + random_hex(8) + " {{captured.time}} ({{mapillary.photo.id}}).jpg";
}

/// Publishes (the final upload step) of files named `name`, in the proxy's log.
int publishes_of(curator::test::MediaWikiProxy& proxy, const std::string& name) {
  int n = 0;
  for (const auto& e : proxy.requests("upload")) {
    const auto& o = e.as_object();
    const auto& p = o.at("params").as_object();
    const auto* file = p.if_contains("filename");
    if (file == nullptr || !mediawiki::same_file_name(file->as_string(), name)) continue;
    if (p.contains("filekey") && !p.contains("offset") && !p.contains("checkstatus") &&
        o.at("files").as_array().empty()) {
      ++n;
    }
  }
  return n;
}

template <typename W>
std::vector<store::UploadRequest> all_rows(W& w) {
  return store::UploadRepository(w.db()).list_all({1, 1000});
}

}  // namespace

TEST_CASE_TEMPLATE("ingest uploads; the same command again uploads nothing", B, OnSqlite, OnMysql) {
  curator::test::CliWorld<B> w(true);
  REQUIRE(w.run({"migrate"}).exit == 0);
  w.login_admin();
  const auto sequence = w.new_sequence(2);
  const std::vector<std::string> args{
      "--json",  "ingest",       "mapillary", sequence,
      "--title", unique_title(), "--caption", "Test photo {{mapillary.photo.id}}"};
  const auto r = w.run(args);
  REQUIRE_MESSAGE(r.exit == 0, r.err << r.out);
  const auto summary = r.event("summary");
  CHECK(summary.at("completed").as_int64() == 2);
  CHECK(summary.at("exit").as_int64() == 0);
  int completed_events = 0;
  for (const auto& e : r.events()) {
    if (e.at("event") == "upload" && e.at("status") == "completed") {
      ++completed_events;
      CHECK(e.at("success").as_string().find("File:Curator_CLI_test_") != std::string::npos);
    }
  }
  CHECK(completed_events == 2);
  const auto rows = all_rows(w);
  REQUIRE(rows.size() == 2);
  for (const auto& row : rows) {
    CHECK(row.status == UploadStatus::completed);
    CHECK(row.success.has_value());
    CHECK(!row.access_token.has_value());  // erased once the upload ended
    CHECK(publishes_of(w.proxy(), row.filename) == 1);
  }

  const auto again = w.run(args);
  REQUIRE_MESSAGE(again.exit == 0, again.err);
  CHECK(again.err.find("Nothing to upload") != std::string::npos);
  CHECK(all_rows(w).size() == 2);
  for (const auto& row : rows)
    CHECK(publishes_of(w.proxy(), row.filename) == 1);
}

TEST_CASE("Ctrl-C releases the upload; the same command continues without a second publish") {
  curator::test::CliWorld<OnSqlite> w(true);
  REQUIRE(w.run({"migrate"}).exit == 0);
  w.login_admin();
  w.set_env("CURATOR_CHUNK_SIZE", "65536");  // many chunks: time to interrupt
  const auto sequence = w.new_sequence(1, 3'000'000);
  const std::vector<std::string> args{"ingest", "mapillary", sequence, "--title", unique_title()};
  auto process = w.start(args);
  REQUIRE_MESSAGE(curator::test::wait_until(
                      [&] {
                        const auto rows = all_rows(w);
                        return !process->running() ||
                               (!rows.empty() && rows[0].status == UploadStatus::in_progress);
                      },
                      std::chrono::seconds(60), std::chrono::milliseconds(20)),
                  "the upload never started");
  process->signal(SIGINT);
  const auto stopped = process->wait();
  CHECK_MESSAGE(stopped.exit == 130, stopped.err);
  CHECK(stopped.err.find("batch resume") != std::string::npos);
  auto rows = all_rows(w);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].status == UploadStatus::queued);
  CHECK(!rows[0].lease_owner.has_value());
  const auto title = rows[0].filename;
  CHECK(publishes_of(w.proxy(), title) == 0);

  const auto resumed = w.run(args);
  REQUIRE_MESSAGE(resumed.exit == 0, resumed.err << resumed.out);
  CHECK(resumed.out.find("resumes batch " + std::to_string(rows[0].batchid)) != std::string::npos);
  rows = all_rows(w);
  REQUIRE(rows.size() == 1);  // nothing added
  CHECK(rows[0].status == UploadStatus::completed);
  CHECK(publishes_of(w.proxy(), title) == 1);
}

TEST_CASE("worker uploads what ingest --no-wait queued; a failed upload exits 1") {
  curator::test::CliWorld<OnSqlite> w(true);
  w.login_admin();
  const auto sequence = w.new_sequence(2);
  const auto queued =
      w.run({"--json", "ingest", "mapillary", sequence, "--no-wait", "--title", unique_title()});
  REQUIRE_MESSAGE(queued.exit == 0, queued.err);
  const auto batch = queued.event("queued").at("batch").as_int64();
  auto rows = all_rows(w);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].status == UploadStatus::queued);

  // The second image disappears from Mapillary before a worker gets to it.
  w.fakes().control("POST", "/_control/data",
                    R"({"mapillary":{"images":[{"id":")" + rows[1].key + R"(","_delete":true}]}})");
  const auto worker = w.run({"--json", "worker", "--once", "--threads", "2"});
  CHECK_MESSAGE(worker.exit == 1, worker.err);
  rows = all_rows(w);
  std::map<std::string, UploadStatus> status;
  for (const auto& r : rows)
    status[r.key] = r.status;
  CHECK(status.size() == 2);
  int failed = 0, completed = 0;
  for (const auto& [key, s] : status) {
    failed += s == UploadStatus::failed;
    completed += s == UploadStatus::completed;
  }
  CHECK(completed == 1);
  CHECK(failed == 1);
  bool saw_failed = false;
  for (const auto& e : worker.events())
    saw_failed = saw_failed || (e.at("event") == "upload" && e.at("status") == "failed");
  CHECK(saw_failed);

  // Resuming a finished batch with a failure reports it (exit 1).
  const auto resume = w.run({"batch", "resume", std::to_string(batch)});
  CHECK(resume.exit == 1);
  CHECK(resume.err.find("curatorctl retry " + std::to_string(batch)) != std::string::npos);
}

TEST_CASE("distributed mode: MariaDB and Redis") {
  curator::test::CliWorld<OnMysql> w(true);
  // A Redis database of its own, so no other test's workers take these tasks.
  auto redis = curator::test::require_env("CURATOR_TEST_REDIS_URL");
  redis = redis.substr(0, redis.rfind('/')) + "/" + std::to_string(1 + std::random_device{}() % 15);
  w.set_env("CURATOR_REDIS_URL", redis);
  w.set_env("CURATOR_TOKEN_ENCRYPTION_KEY", "dGhpcy1pcy1hLXRlc3Qta2V5LTMyLWJ5dGVzLWxvbmc=");
  REQUIRE(w.run({"migrate"}).exit == 0);
  w.login_admin();
  const auto sequence = w.new_sequence(1);
  const auto r = w.run({"ingest", "mapillary", sequence, "--title", unique_title()});
  REQUIRE_MESSAGE(r.exit == 0, r.err << r.out);
  const auto rows = all_rows(w);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].status == UploadStatus::completed);

  // Without a shared token key the distributed mode refuses to queue.
  const auto no_key = w.run_with({{"CURATOR_TOKEN_ENCRYPTION_KEY", ""}},
                                 {"ingest", "mapillary", w.new_sequence(1), "--no-wait"});
  CHECK(no_key.exit == 2);
  CHECK(no_key.err.find("CURATOR_TOKEN_ENCRYPTION_KEY") != std::string::npos);
  const auto bad_redis = w.run_with({{"CURATOR_REDIS_URL", "redis://127.0.0.1:1/0"}},
                                    {"ingest", "mapillary", sequence, "--no-wait"});
  CHECK(bad_redis.exit == 0);  // nothing to queue: Redis is not needed
  const auto down =
      w.run_with({{"CURATOR_REDIS_URL", "redis://127.0.0.1:1/0"}}, {"worker", "--once"});
  CHECK(down.exit == 4);
}

TEST_CASE("embedded mode: while a worker holds the database, ingest queues and watches") {
  curator::test::CliWorld<OnSqlite> w(true);
  REQUIRE(w.run({"migrate"}).exit == 0);
  w.login_admin();
  auto worker = w.start({"worker"});
  // The worker holds the lock once its lock file names it.
  const auto lock = std::filesystem::path(w.database_url().substr(std::string("sqlite://").size()) +
                                          ".workers.lock");
  REQUIRE(curator::test::wait_until(
      [&] { return !worker->running() || curator::test::slurp(lock.string()).size() > 0; },
      std::chrono::seconds(30)));
  REQUIRE(worker->running());

  // A second worker is refused, naming the first.
  const auto second = w.run({"worker", "--once"});
  CHECK(second.exit == 2);

  const auto sequence = w.new_sequence(1);
  const auto r = w.run({"--json", "ingest", "mapillary", sequence, "--title", unique_title()});
  CHECK_MESSAGE(r.exit == 0, r.err);
  CHECK(r.err.find("that process uploads this batch") != std::string::npos);
  CHECK(r.event("summary").at("completed").as_int64() == 1);

  worker->signal(SIGTERM);
  const auto stopped = worker->wait();
  CHECK_MESSAGE(stopped.exit == 0, stopped.err);
  CHECK(stopped.out.find("completed batch") != std::string::npos);
}
