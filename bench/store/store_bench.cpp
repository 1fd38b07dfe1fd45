// Store performance on SQLite (a WAL file in a temporary directory) and MariaDB/MySQL (a
// throwaway database next to the one in CURATOR_TEST_MYSQL_URL, or the URL given as the
// first argument, created and dropped by the bench).
//
//   store_bench [mysql-url] [--batches N] [--uploads N] [--backend sqlite|mysql|both]
//               [--claim-seconds S] [--filler-text N] [--explain] [--legacy [--rows N]]
//
// Default mode measures the data-layer goals on a database filled with N batches and
// N uploads: a page of 100 batches with stats (first and deep page), inserting one
// 18-item slice, and claims/s of the next due upload with 1 and 8 threads racing. The
// fill uses raw multi-row INSERTs (the public API inserts one slice per transaction);
// every measurement goes through the public repositories. --legacy runs the older
// throughput measurements (bulk insert, claim by id, racing claims) on `--rows` rows.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "curator/core/error.hpp"
#include "curator/core/ids.hpp"
#include "curator/core/log.hpp"
#include "curator/core/time.hpp"
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

void run_legacy(Database& db, std::string_view backend, std::size_t rows) {
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

// ---- the data-layer goals ----------------------------------------------------------

struct Options {
  std::string mysql;
  std::string backend = "both";
  std::size_t batches = 10000;
  std::size_t uploads = 1000000;
  std::size_t filler_text = 300;
  double claim_seconds = 5;
  bool legacy = false;
  bool explain = false;
  std::size_t rows = 10000;
};

struct Percentiles {
  double median_ms = 0;
  double p95_ms = 0;
};

Percentiles percentiles(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  const auto at = [&](double q) {
    const auto i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ms.size()))) - 1;
    return ms[std::min(i, ms.size() - 1)];
  };
  return {at(0.5), at(0.95)};
}

void report_ms(std::string_view backend, std::string_view what, std::size_t runs, Percentiles p,
               double goal_ms) {
  fmt::print("{:<7} {:<44} {:>4} runs  median {:>8.2f} ms  p95 {:>8.2f} ms  (goal < {} ms: {})\n",
             backend, what, runs, p.median_ms, p.p95_ms, goal_ms,
             p.p95_ms < goal_ms ? "met" : (p.median_ms < goal_ms ? "median met" : "MISSED"));
  std::fflush(stdout);
}

std::string sql_text(std::string_view s) {
  return fmt::format("'{}'", s);
}

/// Fills `batches` batches of user "1" and `uploads` uploads spread evenly over them with
/// raw multi-row INSERTs, a few thousand rows per transaction. One upload in ten is
/// queued and due (with a token), the rest finished: completed, failed or duplicate.
void fill(Database& db, std::string_view backend, std::size_t batches, std::size_t uploads,
          std::size_t text) {
  const auto impl = DatabaseAccess::impl(db);
  const bool mysql = impl->backend == Backend::mysql;
  const auto begin = mysql ? "START TRANSACTION" : "BEGIN IMMEDIATE";
  const auto base = now_utc_seconds() - std::chrono::seconds(batches + 3600);
  const auto start = Stopwatch::now();
  constexpr std::size_t kRowsPerInsert = 500;
  constexpr std::size_t kInsertsPerTransaction = 10;

  const auto first_batch = [&] {
    Id first = 0;
    impl->run("bench fill", [&](detail::Connection& c) {
      c.execute_raw(begin);
      for (std::size_t done = 0; done < batches; done += kRowsPerInsert) {
        std::string sql =
            "INSERT INTO batches (userid, edit_group_id, created_at, updated_at) VALUES ";
        for (std::size_t i = done; i < std::min(batches, done + kRowsPerInsert); ++i) {
          const auto at = sql_text(format_sql(base + std::chrono::seconds(i)));
          sql += fmt::format("{}('1', '{:012x}', {}, {})", i == done ? "" : ",", i, at, at);
        }
        c.execute_raw(sql);
      }
      c.execute_raw("COMMIT");
      first = c.query_int("SELECT MIN(id) FROM batches", {});
    });
    return first;
  }();
  report(backend, "fill batches (raw multi-row INSERT)", batches, seconds_since(start));

  const auto per_batch = std::max<std::size_t>(1, uploads / std::max<std::size_t>(1, batches));
  const std::string wikitext(text, 'w');
  const std::string token(120, 't');
  const auto upload_start = Stopwatch::now();
  std::size_t done = 0;
  while (done < uploads) {
    impl->run("bench fill", [&](detail::Connection& c) {
      c.execute_raw(begin);
      for (std::size_t n = 0; n < kInsertsPerTransaction && done < uploads; ++n) {
        std::string sql =
            "INSERT INTO upload_requests (batchid, userid, status, `key`, handler, collection,"
            " access_token, filename, wikitext, labels, success, created_at, updated_at) VALUES ";
        const auto end = std::min(uploads, done + kRowsPerInsert);
        for (std::size_t i = done; i < end; ++i) {
          const auto batch = std::min(i / per_batch, batches - 1);
          const auto slot = i % 20;
          const auto status = slot % 10 == 0 ? "queued"
                              : slot == 1    ? "failed"
                              : slot == 3    ? "duplicate"
                                             : "completed";
          const bool queued = slot % 10 == 0;
          const auto at = sql_text(format_sql(base + std::chrono::seconds(batch)));
          sql += fmt::format(
              "{}({}, '1', '{}', '{}', 'mapillary', 'hi1TLI5z3QH1TGABRt4RRS', {},"
              " 'Photo from Mapillary 2025-09-27 ({}).jpg', '{}',"
              " '{{\"language\": \"en\", \"value\": \"Partnach Gorge\"}}', {}, {}, {})",
              i == done ? "" : ",", first_batch + static_cast<Id>(batch), status,
              1000000000000000ULL + i, queued ? sql_text(token) : std::string("NULL"),
              1000000000000000ULL + i, wikitext,
              status == std::string_view("completed") ? "'https://commons.wikimedia.org'" : "NULL",
              at, at);
        }
        c.execute_raw(sql);
        done = end;
      }
      c.execute_raw("COMMIT");
    });
  }
  report(backend, "fill uploads (raw multi-row INSERT)", uploads, seconds_since(upload_start));
  if (mysql) {
    // Fresh statistics, as a long-running server would have: the plans below depend on them.
    impl->run("bench fill", [&](detail::Connection& c) {
      c.query("ANALYZE TABLE batches, upload_requests", {}, 1);
    });
  } else {
    impl->run("bench fill", [&](detail::Connection& c) { c.execute_raw("ANALYZE"); });
  }
}

void measure_pages(Database& db, std::string_view backend, std::size_t batches) {
  BatchRepository repo(db);
  const auto pages = static_cast<std::int64_t>(std::max<std::size_t>(1, batches / 100));
  const std::int64_t deep = std::max<std::int64_t>(1, pages * 9 / 10);
  for (const auto page : {std::int64_t{1}, deep}) {
    for (int warm = 0; warm < 3; ++warm)
      repo.list({page, 100});
    std::vector<double> ms;
    std::size_t listed = 0;
    for (int i = 0; i < 50; ++i) {
      const auto start = Stopwatch::now();
      listed = repo.list({page, 100}).size();
      ms.push_back(seconds_since(start) * 1000);
    }
    report_ms(backend, fmt::format("page {} of 100 batches with stats ({})", page, listed), 50,
              percentiles(ms), 50);
  }
}

void measure_slice_insert(Database& db, std::string_view backend, std::string_view when) {
  BatchRepository batches(db);
  UploadRepository uploads(db);
  const auto batch = batches.create("1");
  std::vector<double> ms;
  for (std::size_t i = 0; i < 205; ++i) {
    const auto items = slice_of(18, 2000000 + i * 18);
    const auto start = Stopwatch::now();
    uploads.create(batch.id, "1", "mapillary", std::string(120, 't'), items);
    if (i >= 5) ms.push_back(seconds_since(start) * 1000);  // the first few warm the pool
  }
  report_ms(backend, fmt::format("insert one 18-item slice{}", when), ms.size(), percentiles(ms),
            5);
}

/// Threads race for the next due upload: each asks for the first `threads` due ids and
/// claims the first it can win, as dispatchers sharing one queue would.
void measure_claims(Database& db, std::string_view backend, int threads, double seconds) {
  std::atomic<std::size_t> won{0};
  std::atomic<std::size_t> lost{0};
  std::atomic<std::size_t> errors{0};
  std::latch ready(threads);
  std::vector<std::thread> workers;
  const auto deadline_after = std::chrono::duration<double>(seconds);
  Stopwatch::time_point start;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      UploadRepository uploads(db);
      const auto owner = fmt::format("bench-{}", t);
      ready.arrive_and_wait();
      const auto begun = Stopwatch::now();
      while (Stopwatch::now() - begun < deadline_after) {
        try {
          const auto ids = uploads.due(static_cast<std::size_t>(threads));
          if (ids.empty()) return;
          for (const auto id : ids) {
            if (uploads.claim(id, owner, std::chrono::seconds(600))) {
              ++won;
              break;
            }
            ++lost;
          }
        } catch (const Error&) {
          ++errors;  // busy or deadlock victim: a dispatcher would try again
        }
      }
    });
  }
  start = Stopwatch::now();
  for (auto& w : workers)
    w.join();
  const auto secs = seconds_since(start);
  if (won.load() == 0) {
    fmt::print("{:<7} claim next due upload, {} thread(s): no due uploads left\n", backend,
               threads);
    return;
  }
  fmt::print("{:<7} {:<44} {:>7} won  {:>7} lost  {:>4} errors  {:>8.0f} claims/s\n", backend,
             fmt::format("claim next due upload, {} thread(s)", threads), won.load(), lost.load(),
             errors.load(), static_cast<double>(won.load()) / secs);
  std::fflush(stdout);
}

/// Prints the plans of the queries behind the goals: a deep batch page, its stats, due().
void explain(Database& db, std::string_view backend, std::size_t batches) {
  const auto impl = DatabaseAccess::impl(db);
  const bool mysql = impl->backend == Backend::mysql;
  const auto first = std::to_string(batches / 2);
  const std::vector<std::pair<std::string, std::string>> queries{
      {"batch page",
       "SELECT b.id FROM batches b LEFT JOIN users u ON u.userid = b.userid"
       " ORDER BY b.created_at DESC, b.id DESC LIMIT 100 OFFSET 8900"},
      {"batch stats",
       "SELECT batchid, COUNT(*), SUM(CASE WHEN status = 'queued' THEN 1 ELSE 0 END)"
       " FROM upload_requests WHERE batchid IN (" +
           first + ", " + first + " + 1, " + first + " + 2) GROUP BY batchid"},
      {"due",
       "SELECT id FROM upload_requests WHERE status = 'queued' AND (not_before IS NULL"
       " OR not_before <= '2030-01-01 00:00:00') ORDER BY not_before, id LIMIT 8"}};
  impl->run("bench explain", [&](detail::Connection& c) {
    for (const auto& [what, sql] : queries) {
      const auto rows =
          c.query((mysql ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + sql, {}, mysql ? 10 : 4);
      for (const auto& r : rows) {
        std::string line;
        for (const auto& cell : r)
          line += (cell ? *cell : "NULL") + " | ";
        fmt::print("{:<7} explain {:<12} {}\n", backend, what, line);
      }
    }
  });
}

void run_goals(Database& db, std::string_view backend, const Options& o) {
  db.migrate();
  UserRepository(db).ensure("1", "Bench");
  fill(db, backend, o.batches, o.uploads, o.filler_text);
  if (o.explain) explain(db, backend, o.batches);
  measure_pages(db, backend, o.batches);
  measure_slice_insert(db, backend, "");
  measure_claims(db, backend, 1, o.claim_seconds);
  measure_claims(db, backend, 8, o.claim_seconds);
  // Again once the fill's background flushing had time to settle.
  measure_slice_insert(db, backend, ", again");
}

void run(Database& db, std::string_view backend, const Options& o) {
  if (o.legacy) {
    run_legacy(db, backend, o.rows);
  } else {
    run_goals(db, backend, o);
  }
}

Options parse(int argc, char** argv) {
  Options o;
  const char* env = std::getenv("CURATOR_TEST_MYSQL_URL");
  if (env != nullptr) o.mysql = env;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&] {
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      return std::string(argv[++i]);
    };
    if (arg == "--batches") {
      o.batches = std::stoul(value());
    } else if (arg == "--uploads") {
      o.uploads = std::stoul(value());
    } else if (arg == "--backend") {
      o.backend = value();
    } else if (arg == "--claim-seconds") {
      o.claim_seconds = std::stod(value());
    } else if (arg == "--filler-text") {
      o.filler_text = std::stoul(value());
    } else if (arg == "--explain") {
      o.explain = true;
    } else if (arg == "--legacy") {
      o.legacy = true;
    } else if (arg == "--rows") {
      o.rows = std::stoul(value());
    } else if (arg.starts_with("mysql://")) {
      o.mysql = arg;
    } else {
      throw std::invalid_argument("unknown argument " + arg);
    }
  }
  if (o.batches == 0) throw std::invalid_argument("--batches must be at least 1");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  log::configure(log::Level::warning, log::Format::text);
  Options opts;
  try {
    opts = parse(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "store_bench: {}\n", e.what());
    return 2;
  }
  DatabaseOptions o;
  o.pool_size = 9;  // 8 racing threads and the bench's own calls

  if (opts.backend != "mysql") {
    const auto dir = std::filesystem::temp_directory_path() / ("curator-bench-" + random_hex(8));
    std::filesystem::create_directories(dir);
    {
      auto db = Database::open("sqlite://" + (dir / "bench.db").string(), o);
      run(db, "sqlite", opts);
    }
    std::filesystem::remove_all(dir);
  }
  if (opts.backend == "sqlite") return 0;

  const auto& mysql = opts.mysql;
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
    auto db = Database::open(mysql.substr(0, slash + 1) + name, o);
    run(db, "mysql", opts);
  } catch (const std::exception& e) {
    fmt::print(stderr, "mysql bench failed: {}\n", e.what());
    sql("DROP DATABASE `" + name + "`");
    return 1;
  }
  sql("DROP DATABASE `" + name + "`");
  return 0;
}
