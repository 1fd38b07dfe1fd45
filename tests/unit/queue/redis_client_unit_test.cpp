// RedisClient pieces that need no server: replies, script hashes, URL and
// connection errors (which must never show the password).

#include "curator/queue/redis_client.hpp"

#include <doctest/doctest.h>

#include <string>

#include "curator/core/error.hpp"
#include "curator/queue/task_queue.hpp"

using namespace curator;
using namespace curator::queue;

TEST_CASE("replies are a plain variant with checked access") {
  const RedisReply nil;
  CHECK(nil.is_nil());
  CHECK_THROWS_AS((void)nil.integer(), Error);
  const RedisReply n(42LL);
  CHECK(n.integer() == 42);
  CHECK_THROWS_WITH_AS((void)n.text(), "unexpected redis reply: wanted a string, got integer 42",
                       Error);
  const RedisReply bulk(std::string("a\0b", 3));
  CHECK(bulk.text() == std::string("a\0b", 3));
  CHECK(bulk.describe() == "string \"a?b\" (3 bytes)");
  const RedisReply status(RedisStatus{"OK"});
  CHECK(status.text() == "OK");
  const RedisReply error(RedisErrorReply{"WRONGTYPE Operation against a key"});
  CHECK(error.is_error());
  CHECK(error.error_text() == "WRONGTYPE Operation against a key");
  const RedisReply array(RedisReply::Array{n, bulk, nil});
  CHECK(array.array().size() == 3);
  CHECK(array.describe() == "array of 3 elements");
  CHECK_THROWS_AS((void)array.integer(), Error);
  CHECK(RedisReply(std::string(500, 'x')).describe().size() < 120);
}

TEST_CASE("error replies map to error kinds") {
  auto kind_of = [](std::string text) {
    try {
      throw_reply_error(RedisReply(RedisErrorReply{std::move(text)}), "test");
    } catch (const Error& e) {
      CHECK(e.code() == "redis_error");
      return e.kind();
    }
    return ErrorKind::invalid_input;
  };
  CHECK(kind_of("LOADING Redis is loading the dataset in memory") == ErrorKind::transient);
  CHECK(kind_of("BUSY Redis is busy running a script") == ErrorKind::transient);
  CHECK(kind_of("OOM command not allowed") == ErrorKind::transient);
  CHECK(kind_of("READONLY You can't write against a read only replica.") == ErrorKind::transient);
  CHECK(kind_of("WRONGTYPE Operation against a key") == ErrorKind::permanent);
  CHECK(kind_of("ERR unknown command") == ErrorKind::permanent);
}

TEST_CASE("scripts carry their SHA-1 as Redis computes it") {
  CHECK(RedisScript("return 1").sha1() == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}

TEST_CASE("bad URLs are refused; connection errors never show the password") {
  auto with_url = [](std::string url) {
    RedisOptions o;
    o.url = std::move(url);
    return o;
  };
  CHECK_THROWS_AS(RedisClient(with_url("http://x")), Error);
  CHECK_THROWS_AS(RedisClient(with_url("redis://h:99999")), Error);
  CHECK_THROWS_AS(RedisPool(with_url("redis://h/99")), Error);
  CHECK_THROWS_AS(RedisPool(with_url("redis://h"), RedisPool::Limits{0, 0}), Error);

  RedisOptions o;
  o.url = "redis://:hunter2-secret@127.0.0.1:1/3";  // nothing listens on port 1
  o.connect_timeout = std::chrono::milliseconds(500);
  RedisClient client(o);
  CHECK(client.endpoint() == "127.0.0.1:1");
  try {
    client.command({"PING"});
    FAIL("connected to port 1");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::transient);
    CHECK(e.code() == "redis_unavailable");
    const std::string message = e.what();
    CHECK(message.find("hunter2") == std::string::npos);
    CHECK(message.find("127.0.0.1:1") != std::string::npos);
  }
  CHECK_FALSE(client.connected());

  // The pool hands out one client per lease and reports exhaustion.
  o.command_timeout = std::chrono::milliseconds(100);
  RedisPool pool(o, RedisPool::Limits{1, 1});
  {
    auto lease = pool.acquire();
    CHECK_THROWS_WITH_AS(pool.acquire(), "all 1 redis connections are busy", Error);
  }
  CHECK_NOTHROW(pool.acquire());
  CHECK_THROWS_AS(make_redis_task_queue(nullptr), Error);
}
