// What curatorctl shows while it uploads: --json byte progress events that
// parse, grow monotonically and add up; plain lines when not on a terminal;
// the live block on a terminal (a pty); and `retry`, which uploads the
// copies it queued like `ingest` does.
#include <doctest/doctest.h>
#include <pty.h>
#include <sys/wait.h>

#include <map>
#include <utility>

#include "cli_world.hpp"
#include "curator/store/uploads.hpp"

using namespace curator;
using curator::store::test::OnSqlite;

namespace {

std::string unique_title() {
  return "Curator progress test " + random_hex(8) + " ({{mapillary.photo.id}}).jpg";
}

/// curatorctl on a pseudo-terminal (stdout and stderr both), to its end:
/// the exit code and everything the terminal received.
std::pair<int, std::string> run_on_pty(const std::vector<std::string>& args,
                                       const std::map<std::string, std::string>& env) {
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env)
      env_strings.push_back(k + "=" + v);
    env_strings.emplace_back("TERM=xterm");
    std::vector<char*> envp;
    for (auto& e : env_strings)
      envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_strings{CURATOR_CLI_BINARY};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_strings)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execve(CURATOR_CLI_BINARY, argv.data(), envp.data());
    ::_exit(127);
  }
  std::string screen;
  char buf[4096];
  // Reading ends with EIO once the child (the only slave holder) is gone.
  for (;;) {
    const auto n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;
    screen.append(buf, static_cast<std::size_t>(n));
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), screen};
}

template <typename W>
std::vector<store::UploadRequest> all_rows(W& w) {
  return store::UploadRepository(w.db()).list_all({1, 1000});
}

}  // namespace

TEST_CASE("ingest --json: byte progress events parse, grow monotonically and add up") {
  curator::test::CliWorld<OnSqlite> w(true);
  w.login_admin();
  w.set_env("CURATOR_CHUNK_SIZE", "1048576");  // several chunks per file
  const auto sequence = w.new_sequence(2, 3'000'000);
  const auto r = w.run({"--json", "ingest", "mapillary", sequence, "--title", unique_title()});
  REQUIRE_MESSAGE(r.exit == 0, r.err << r.out);
  const auto events = r.events();  // every line is one JSON object

  using Key = std::pair<std::int64_t, std::string>;           // upload id, phase
  std::map<Key, std::pair<std::int64_t, std::int64_t>> last;  // bytes, total
  std::map<Key, int> count;
  std::map<std::int64_t, std::size_t> last_bytes_at, completed_at;
  std::int64_t moved = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i].as_object();
    const auto kind = e.at("event").as_string();
    if (const auto* m = e.if_contains("bytes_moved")) {
      CHECK(m->as_int64() >= moved);  // never decreases, whatever the event
      moved = m->as_int64();
    }
    if (kind == "upload" && e.at("status") == "completed") completed_at[e.at("id").as_int64()] = i;
    if (kind != "bytes") continue;
    const auto id = e.at("id").as_int64();
    const Key key{id, std::string(e.at("phase").as_string())};
    CHECK((key.second == "download" || key.second == "upload"));
    const auto bytes = e.at("bytes").as_int64();
    const auto total = e.at("total").as_int64();
    CHECK(bytes >= 0);
    CHECK(bytes <= total);
    // Strictly growing: an event is news, never a repeat of the last one.
    if (const auto it = last.find(key); it != last.end()) CHECK(bytes > it->second.first);
    last[key] = {bytes, total};
    ++count[key];
    last_bytes_at[id] = i;
    CHECK(e.at("title").as_string().find("Curator progress test") == 0);
  }
  const auto rows = all_rows(w);
  REQUIRE(rows.size() == 2);
  std::int64_t expected_moved = 0;
  for (const auto& row : rows) {
    const Key down{row.id, "download"}, up{row.id, "upload"};
    REQUIRE(last.count(down) == 1);
    REQUIRE(last.count(up) == 1);
    // Each phase ends complete, over the same file (padded to 3 MB).
    CHECK(last[down].first == last[down].second);
    CHECK(last[up].first == last[up].second);
    CHECK(last[down].second == last[up].second);
    CHECK(last[down].second >= 3'000'000);
    expected_moved += 2 * last[down].second;
    // A file's bytes come before the line saying it is done.
    REQUIRE(completed_at.count(row.id) == 1);
    CHECK(last_bytes_at[row.id] < completed_at[row.id]);
  }
  const auto summary = r.event("summary");
  CHECK(summary.at("completed").as_int64() == 2);
  CHECK(summary.at("bytes_moved").as_int64() == expected_moved);
  const auto progress = r.event("progress");
  CHECK(progress.contains("bytes_per_second"));
}

TEST_CASE("ingest off a terminal: plain lines with the bytes; on a pty: the live block") {
  curator::test::CliWorld<OnSqlite> w(true);
  w.login_admin();
  w.set_env("CURATOR_CHUNK_SIZE", "65536");  // many chunks: the block is drawn a few times
  const auto plain =
      w.run({"ingest", "mapillary", w.new_sequence(1, 2'000'000), "--title", unique_title()});
  REQUIRE_MESSAGE(plain.exit == 0, plain.err << plain.out);
  CHECK(plain.out.find('\033') == std::string::npos);
  CHECK(plain.err.find('\033') == std::string::npos);
  CHECK(plain.out.find("done ") != std::string::npos);
  CHECK(plain.out.find("1/1 finished") != std::string::npos);
  CHECK(plain.out.find(" MB") != std::string::npos);  // the bytes moved

  const auto [code, screen] = run_on_pty(
      {"ingest", "mapillary", w.new_sequence(1, 3'000'000), "--title", unique_title()}, w.env());
  CHECK_MESSAGE(code == 0, screen);
  CHECK(screen.find("\033[1A\033[2K") != std::string::npos);  // redrawn in place
  // A file line of the block: its phase arrow, bytes of the size, percent.
  const bool file_line =
      screen.find("↑ ") != std::string::npos || screen.find("↓ ") != std::string::npos;
  CHECK_MESSAGE(file_line, screen);
  CHECK_MESSAGE(screen.find(" MB/3.0 MB ") != std::string::npos, screen);
  CHECK(screen.find("1/1 finished") != std::string::npos);
}

TEST_CASE("retry uploads the copies it queued, with progress; --no-wait only queues") {
  curator::test::CliWorld<OnSqlite> w(true);
  w.login_admin();
  const auto queued = w.run(
      {"--json", "ingest", "mapillary", w.new_sequence(2), "--no-wait", "--title", unique_title()});
  REQUIRE_MESSAGE(queued.exit == 0, queued.err);
  const auto batch = queued.event("queued").at("batch").as_int64();
  store::UploadRepository uploads(w.db());
  const auto rows = uploads.list_for_batch(batch);
  REQUIRE(rows.size() == 2);
  // As if both had failed before any worker ran them.
  for (const auto& row : rows) {
    REQUIRE(uploads.transition(row.id, UploadStatus::queued, UploadStatus::failed,
                               StructuredError::generic("Upload failed: stash error")));
  }
  const auto only = w.run({"--json", "retry", "--no-wait", std::to_string(batch)});
  REQUIRE_MESSAGE(only.exit == 0, only.err);
  const auto first_copy = only.event("retried").at("new_batch").as_int64();
  for (const auto& row : uploads.list_for_batch(first_copy))
    CHECK(row.status == UploadStatus::queued);
  CHECK(only.err.find("batch resume " + std::to_string(first_copy)) != std::string::npos);
  // That copy is cancelled again; the real retry picks up the original's failures.
  REQUIRE(w.run({"cancel", std::to_string(first_copy)}).exit == 0);

  const auto r = w.run({"--json", "retry", std::to_string(batch)});
  REQUIRE_MESSAGE(r.exit == 0, r.err << r.out);
  const auto copy = r.event("retried").at("new_batch").as_int64();
  const auto summary = r.event("summary");
  CHECK(summary.at("batch").as_int64() == copy);
  CHECK(summary.at("completed").as_int64() == 2);
  CHECK(summary.at("exit").as_int64() == 0);
  int byte_events = 0;
  for (const auto& e : r.events())
    byte_events += e.at("event") == "bytes" && e.at("batch").as_int64() == copy;
  CHECK(byte_events >= 4);  // each file's download and upload end at least
  for (const auto& row : uploads.list_for_batch(copy))
    CHECK(row.status == UploadStatus::completed);
  for (const auto& row : uploads.list_for_batch(batch))
    CHECK(row.status == UploadStatus::failed);  // the originals stay as they were
}
