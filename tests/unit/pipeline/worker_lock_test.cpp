// The embedded mode's worker lock: exclusive, released on close, path beside
// an SQLite file only.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "curator/core/error.hpp"
#include "curator/pipeline/worker_lock.hpp"
#include "test_support.hpp"

using namespace curator;
using namespace curator::pipeline;

TEST_CASE("one holder at a time; the refusal names the holder's process") {
  test::TempDir dir;
  const auto path = dir.path() / "curator.db.workers.lock";
  {
    auto first = WorkerLock::acquire(path);
    CHECK(first.path() == path);
    try {
      (void)WorkerLock::acquire(path);
      FAIL("a second lock was granted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::conflict);
      CHECK(std::string(e.what()).find("process " + std::to_string(::getpid())) !=
            std::string::npos);
    }
    auto moved = std::move(first);
    CHECK_THROWS_AS((void)WorkerLock::acquire(path), Error);
  }
  CHECK_NOTHROW((void)WorkerLock::acquire(path));
}

TEST_CASE("a holder that dies releases the lock") {
  test::TempDir dir;
  const auto path = dir.path() / "db.workers.lock";
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  if (child == 0) {
    try {
      auto lock = WorkerLock::acquire(path);
      (void)!::write(ready[1], "x", 1);
      ::pause();
    } catch (...) {
    }
    ::_exit(1);
  }
  char c;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  CHECK_THROWS_AS((void)WorkerLock::acquire(path), Error);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK_NOTHROW((void)WorkerLock::acquire(path));
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST_CASE("lock paths: beside an SQLite file, none for MySQL or memory, bad URLs refused") {
  CHECK(WorkerLock::path_for("sqlite:///var/lib/curator/curator.db") ==
        std::filesystem::path("/var/lib/curator/curator.db.workers.lock"));
  CHECK_FALSE(WorkerLock::path_for("sqlite::memory:").has_value());
  CHECK_FALSE(WorkerLock::path_for("mysql://u:p@127.0.0.1:3306/curator").has_value());
  CHECK_THROWS_AS(WorkerLock::path_for("ftp://nowhere"), Error);
  test::TempDir dir;
  CHECK_THROWS_AS((void)WorkerLock::acquire(dir.path() / "missing-dir" / "x.lock"), Error);
}
