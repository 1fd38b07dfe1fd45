// RedisClient against a real server: binary safety, reply and request
// bounds, timeouts, reconnects, scripts, SELECT and AUTH errors.

#include "curator/queue/redis_client.hpp"

#include <doctest/doctest.h>

#include "curator/core/config.hpp"
#include "curator/core/error.hpp"
#include "curator/core/ids.hpp"
#include "redis_backend.hpp"

using namespace curator;
using namespace curator::queue;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

std::string key(std::string_view what) {
  return "{curator-test-" + random_hex(12) + "}:" + std::string(what);
}

// The test URL with another database number or password.
std::string url_with(std::string_view password, std::optional<int> db) {
  auto url = test_redis::options().url;
  auto rest = url.substr(8);
  if (const auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  std::string db_part;
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    db_part = rest.substr(slash);
    rest = rest.substr(0, slash);
  }
  if (db) db_part = "/" + std::to_string(*db);
  return "redis://" + (password.empty() ? "" : ":" + std::string(password) + "@") + rest + db_part;
}

}  // namespace

TEST_CASE("binary-safe commands and every reply type") {
  RedisClient c(test_redis::options());
  const auto k = key("binary");
  const auto value = "\0\r\n$3\xff"s;
  CHECK(c.command({"SET", k, value}).text() == "OK");
  CHECK(c.command({"GET", k}).text() == value);
  CHECK(c.command({"GET", k + "-missing"}).is_nil());
  CHECK(c.command({"STRLEN", k}).integer() == static_cast<long long>(value.size()));
  const auto array = c.command({"MGET", k, k + "-missing"});
  REQUIRE(array.array().size() == 2);
  CHECK(array.array()[0].text() == value);
  CHECK(array.array()[1].is_nil());
  const auto wrong = c.call({"LPUSH", k, "x"});
  CHECK(wrong.is_error());
  CHECK(wrong.error_text().starts_with("WRONGTYPE"));
  CHECK_THROWS_AS(c.command({"LPUSH", k, "x"}), Error);
  CHECK(c.command({"PING"}).text() == "PONG");  // still usable after error replies
  c.command({"DEL", k});
}

TEST_CASE("a reply over the limit is refused and the client recovers") {
  auto o = test_redis::options();
  o.max_reply_bytes = 1u << 20;
  RedisClient c(o);
  const auto k = key("big");
  c.command({"SET", k, std::string(2u << 20, 'x')});
  try {
    c.command({"GET", k});
    FAIL("a 2 MiB reply passed a 1 MiB limit");
  } catch (const Error& e) {
    CHECK(e.code() == "redis_reply_too_large");
    CHECK(std::string(e.what()).find("exceeded 1048576 bytes") != std::string::npos);
  }
  CHECK_FALSE(c.connected());
  CHECK(c.command({"STRLEN", k}).integer() == (2 << 20));
  c.command({"DEL", k});

  o.max_request_bytes = 1000;
  RedisClient small(o);
  try {
    small.command({"SET", k, std::string(5000, 'y')});
    FAIL("an oversize request was sent");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK(e.code() == "redis_request_too_large");
  }
  CHECK(small.command({"EXISTS", k}).integer() == 0);
}

TEST_CASE("a command past its timeout fails transiently; the next one reconnects") {
  auto o = test_redis::options();
  o.command_timeout = 200ms;
  RedisClient c(o);
  const auto k = key("never-pushed");
  // Connected first: the bound below measures the command's timeout, not
  // connecting and authenticating on a loaded machine.
  CHECK(c.command({"PING"}).text() == "PONG");
  const auto start = std::chrono::steady_clock::now();
  try {
    c.command({"BLPOP", k, "2"});
    FAIL("no timeout");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::transient);
    CHECK(e.code() == "redis_timeout");
  }
  CHECK(std::chrono::steady_clock::now() - start < 1500ms);
  CHECK(c.command({"PING"}).text() == "PONG");
  // With the wait announced, the same command is given the time.
  const std::string_view blpop[] = {"BLPOP", k, "0.3"};
  CHECK(c.command(blpop, 300ms).is_nil());
}

TEST_CASE("a connection the server closed is reopened before the next command") {
  RedisClient victim(test_redis::options());
  RedisClient admin(test_redis::options());
  const auto id = std::to_string(victim.command({"CLIENT", "ID"}).integer());
  CHECK(admin.command({"CLIENT", "KILL", "ID", id}).integer() == 1);
  // The killed socket is noticed while idle, so no command is lost or resent.
  CHECK(victim.command({"PING"}).text() == "PONG");
  CHECK(std::to_string(victim.command({"CLIENT", "ID"}).integer()) != id);
}

TEST_CASE("EVALSHA falls back to loading the script") {
  RedisClient c(test_redis::options());
  const RedisScript script("return {KEYS[1], ARGV[1], 42}");
  const auto k = key("script");
  const auto arg = "\0\xff"s;
  c.command({"SCRIPT", "FLUSH"});
  const auto r = c.eval(script, {k}, {arg});
  REQUIRE(r.array().size() == 3);
  CHECK(r.array()[0].text() == k);
  CHECK(r.array()[1].text() == arg);
  CHECK(r.array()[2].integer() == 42);
  CHECK(c.eval(script, {k}, {arg}) == r);  // now cached
  const RedisScript broken("return redis.call('NOSUCHCOMMAND')");
  CHECK_THROWS_AS(c.eval(broken, {}, {}), Error);
}

TEST_CASE("the URL's database is selected") {
  const auto k = key("db");
  RedisOptions other = test_redis::options();
  const auto base_db = parse_redis_url(other.url).db;
  const int db = base_db == 5 ? 6 : 5;
  other.url = url_with("", db);
  RedisClient in_other(other);
  RedisClient in_base(test_redis::options());
  in_other.command({"SET", k, "1"});
  CHECK(in_base.command({"EXISTS", k}).integer() == 0);
  CHECK(in_other.command({"EXISTS", k}).integer() == 1);
  in_other.command({"DEL", k});
}

TEST_CASE("a refused AUTH is an auth error that never shows the password") {
  RedisOptions o = test_redis::options();
  o.url = url_with("wrong-pass-Zq81", std::nullopt);
  RedisClient c(o);
  try {
    c.command({"PING"});
    FAIL("AUTH with a wrong password succeeded");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::auth);
    CHECK(e.code() == "redis_auth");
    CHECK(std::string(e.what()).find("wrong-pass-Zq81") == std::string::npos);
  }
}

TEST_CASE("connections carry the configured client name") {
  auto o = test_redis::options();
  o.client_name = "curator-test-" + random_hex(8);
  RedisClient c(o);
  CHECK(c.command({"CLIENT", "GETNAME"}).text() == o.client_name);
  o.client_name = "has space";
  CHECK_THROWS_AS(RedisClient{o}, Error);
}

TEST_CASE("a pool serves many threads with few connections") {
  RedisPool pool(test_redis::options(), RedisPool::Limits{3, 2});
  const auto k = key("counter");
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i)
        pool.acquire()->command({"INCR", k});
    });
  }
  for (auto& t : threads)
    t.join();
  CHECK(pool.acquire()->command({"GET", k}).text() == "400");
  pool.acquire()->command({"DEL", k});
}
