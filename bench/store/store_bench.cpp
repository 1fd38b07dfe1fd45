// Store throughput on SQLite (a WAL file in a temporary directory) and MariaDB/MySQL (a
// throwaway database next to the one in CURATOR_TEST_MYSQL_URL, or the URL given as the
// first argument): bulk insert of upload slices and claims, single and multi-threaded.
//
//   store_bench [mysql://user:pass@host:port/db] [rows]
//
// Prints one line per measurement: backend, what, rows, seconds, rows per second.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "curator/core/ids.hpp"
#include "curator/core/log.hpp"
#include "curator/store/batches.hpp"
#include "curator/store/database.hpp"
#include "curator/store/uploads.hpp"
#include "curator/store/users.hpp"
#include "store/database_impl.hpp"

using namespace curator;
using namespace curator::store;
using Stopwatch = std::chrono::steady_clock;

namespace {

double seconds_since(Stopwatch::time_point start) {
  return std::chrono::duration<double>(Stopwatch::now() - start).count();
}

void report(std::string_view backend, std::string_view what, std::size_t rows, double secs) {
  fmt::print("{:<7} {:<44} {:>7} rows {:>8.3f} s {:>10.0f} rows/s\n", backend, what, rows, secs,
             static_cast<double>(rows) / secs);
}

std::vector<NewUpload> slice_of(std::size_t n, std::size_t offset) {
  std::vector<NewUpload> items;
  for (std::size_t i = 0; i < n; ++i) {
    NewUpload u;
    u.key = std::to_string(1000000000000000ULL + offset + i);
    u.collection = "hi1TLI5z3QH1TGABRt4RRS";
    u.filename = fmt::format("Photo from Mapillary 2025-09-27 ({}).jpg", u.key);
    u.wikitext = std::string(900, 'w');  // a typical page text is about 1 KB
    u.labels = Label{"en", "Partnach Gorge hiking trail near Garmisch-Partenkirchen"};
    items.push_back(std::move(u));
  }
  return items;
}

/// Inserts `rows` uploads in slices of `slice`; returns their ids.
std::vector<Id> insert(Database& db, std::string_view backend, std::size_t rows,
                       std::size_t slice) {
  BatchRepository batches(db);
  UploadRepository uploads(db);
  const auto batch = batches.create("1");
  std::vector<Id> ids;
  const auto start = Stopwatch::now();
  for (std::size_t done = 0; done < rows; done += slice) {
    const auto n = std::min(slice, rows - done);
    const auto got =
        uploads.create(batch.id, "1", "mapillary", std::string(120, 't'), slice_of(n, done));
    ids.insert(ids.end(), got.begin(), got.end());
  }
  report(backend, fmt::format("bulk insert, slices of {}", slice), rows, seconds_since(start));
  return ids;
}

void claim_all(Database& db, std::string_view backend, const std::vector<Id>& ids, int threads) {
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> won{0};
  std::latch ready(threads);
  std::vector<std::thread> workers;
  const auto start = Stopwatch::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      UploadRepository uploads(db);
      ready.arrive_and_wait();
      const auto owner = fmt::format("bench-{}", t);
      for (std::size_t i = next++; i < ids.size(); i = next++) {
        if (uploads.claim(ids[i], owner, std::chrono::seconds(600))) ++won;
      }
    });
  }
  for (auto& w : workers)
    w.join();
  report(backend, fmt::format("claim, {} thread(s)", threads), won.load(), seconds_since(start));
}

void contend(Database& db, std::string_view backend, const std::vector<Id>& ids, int threads) {
  // Every thread tries every row: the losers' conditional UPDATEs cost too.
  std::atomic<std::size_t> won{0};
  std::latch ready(threads);
  std::vector<std::thread> workers;
  const auto start = Stopwatch::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      UploadRepository uploads(db);
      ready.arrive_and_wait();
      for (const auto id : ids) {
        if (uploads.claim(id, fmt::format("race-{}", t), std::chrono::seconds(600))) ++won;
      }
    });
  }
  for (auto& w : workers)
    w.join();
  report(backend, fmt::format("racing claims, {} threads try every row", threads), won.load(),
         seconds_since(start));
}

void finish_all(Database& db, std::string_view backend, const std::vector<Id>& ids) {
  UploadRepository uploads(db);
  const auto start = Stopwatch::now();
  std::size_t n = 0;
  for (const auto id : ids) {
    const auto row = uploads.find(id);
    if (row && row->lease_owner &&
        uploads.finish(id, *row->lease_owner, UploadStatus::completed, std::nullopt,
                       "https://commons.wikimedia.org/wiki/File:X.jpg")) {
      ++n;
    }
  }
  report(backend, "read + finish (completed), 1 thread", n, seconds_since(start));
}

void run(Database& db, std::string_view backend, std::size_t rows) {
  db.migrate();
  UserRepository(db).ensure("1", "Bench");
  insert(db, backend, rows, 18);
  const auto big = insert(db, backend, rows, 1000);
  // A page of 100 batches with their stats: two queries, however many batches.
  BatchRepository batches(db);
  UploadRepository uploads(db);
  for (int b = 0; b < 300; ++b) {
    uploads.create(batches.create("1").id, "1", "mapillary", std::nullopt,
                   slice_of(5, static_cast<std::size_t>(b) * 5));
  }
  constexpr int kPages = 20;
  auto start = Stopwatch::now();
  std::size_t listed = 0;
  for (int i = 0; i < kPages; ++i)
    listed += batches.list({1, 100}).size();
  const auto per_page = seconds_since(start) / kPages;
  fmt::print("{:<7} {:<44} {:>7} rows {:>8.3f} s {:>10.1f} ms/page\n", backend,
             "batch list, page of 100 with stats", listed / kPages, per_page, per_page * 1000);

  const std::vector<Id> half_a(big.begin(), big.begin() + static_cast<long>(big.size() / 2));
  const std::vector<Id> half_b(big.begin() + static_cast<long>(big.size() / 2), big.end());
  claim_all(db, backend, half_a, 1);
  claim_all(db, backend, half_b, 4);
  finish_all(db, backend, half_a);
  const auto fresh = insert(db, backend, std::min<std::size_t>(rows, 2000), 1000);
  contend(db, backend, fresh, 4);
}

}  // namespace

int main(int argc, char** argv) {
  log::configure(log::Level::warning, log::Format::text);
  const char* env = std::getenv("CURATOR_TEST_MYSQL_URL");
  const std::string mysql = argc > 1 ? argv[1] : (env != nullptr ? env : "");
  const std::size_t rows = argc > 2 ? std::stoul(argv[2]) : 10000;

  {
    const auto dir = std::filesystem::temp_directory_path() / ("curator-bench-" + random_hex(8));
    std::filesystem::create_directories(dir);
    DatabaseOptions o;
    o.pool_size = 4;
    {
      auto db = Database::open("sqlite://" + (dir / "bench.db").string(), o);
      run(db, "sqlite", rows);
    }
    std::filesystem::remove_all(dir);
  }

  if (mysql.empty()) {
    fmt::print("mysql   skipped: pass a mysql:// URL or set CURATOR_TEST_MYSQL_URL\n");
    return 0;
  }
  const auto slash = mysql.find('/', mysql.find("://") + 3);
  const auto name = "curator_test_bench_" + random_hex(8);
  DatabaseOptions admin_options;
  admin_options.pool_size = 1;
  auto admin = Database::open(mysql, admin_options);
  const auto sql = [&](const std::string& statement) {
    DatabaseAccess::impl(admin)->run("bench set-up",
                                     [&](detail::Connection& c) { c.execute_raw(statement); });
  };
  sql("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
  try {
    DatabaseOptions o;
    o.pool_size = 4;
    auto db = Database::open(mysql.substr(0, slash + 1) + name, o);
    run(db, "mysql", rows);
  } catch (const std::exception& e) {
    fmt::print(stderr, "mysql bench failed: {}\n", e.what());
    sql("DROP DATABASE `" + name + "`");
    return 1;
  }
  sql("DROP DATABASE `" + name + "`");
  return 0;
}
