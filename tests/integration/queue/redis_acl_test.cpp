// Redis 6+ ACL users in the URL (`redis://user:password@host`): the client
// and the start-up health check authenticate as that user, percent-escapes
// in the password are decoded, and a wrong password never shows.

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "curator/core/config.hpp"
#include "curator/core/error.hpp"
#include "curator/core/ids.hpp"
#include "curator/queue/health.hpp"
#include "curator/queue/redis_client.hpp"
#include "redis_backend.hpp"

using namespace curator;
using namespace curator::queue;
using namespace std::chrono_literals;

namespace {

// A throwaway ACL user allowed only its own key prefix; deleted on exit.
struct AclUser {
  std::string name = "curator-acl-" + random_hex(8);
  std::string password = "p@ss:w/rd%" + random_hex(8);  // characters a URL must escape
  std::string prefix = "{acl-" + random_hex(8) + "}:";
  RedisClient admin{test_redis::options()};

  AclUser() {
    admin.command({"ACL", "SETUSER", name, "on", ">" + password, "~" + prefix + "*", "+@all",
                   "-@dangerous", "+client|setname", "+select"});
  }
  ~AclUser() {
    try {
      admin.command({"ACL", "DELUSER", name});
    } catch (const Error&) {
    }
  }

  std::string url(std::string_view password_in_url) const {
    const auto base = parse_redis_url(test_redis::options().url);
    return "redis://" + name + ":" + std::string(password_in_url) + "@" + base.host + ":" +
           std::to_string(base.port) + "/" + std::to_string(base.db);
  }
  std::string escaped_password() const {
    std::string out;
    for (char c : password) {
      if (c == '@' || c == ':' || c == '/' || c == '%') {
        out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
      } else {
        out += c;
      }
    }
    return out;
  }
};

}  // namespace

TEST_CASE("an ACL user with an escaped password authenticates as that user") {
  AclUser user;
  auto o = test_redis::options();
  o.url = user.url(user.escaped_password());
  RedisClient c(o);
  CHECK(c.command({"ACL", "WHOAMI"}).text() == user.name);
  c.command({"SET", user.prefix + "k", "v"});
  CHECK(c.command({"GET", user.prefix + "k"}).text() == "v");
  // The user's rights are enforced, so this really is not the default user.
  CHECK_THROWS_AS(c.command({"SET", "outside-" + random_hex(6), "v"}), Error);
  c.command({"DEL", user.prefix + "k"});
  CHECK_NOTHROW(check_redis(o.url, 5s));
}

TEST_CASE("a wrong ACL password is an auth error that shows neither password") {
  AclUser user;
  auto o = test_redis::options();
  o.url = user.url("wrong-Zq81");
  RedisClient c(o);
  try {
    c.command({"PING"});
    FAIL("AUTH with a wrong password succeeded");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::auth);
    CHECK(std::string(e.what()).find("wrong-Zq81") == std::string::npos);
    CHECK(std::string(e.what()).find(user.password) == std::string::npos);
  }
  CHECK_THROWS_AS(check_redis(o.url, 5s), Error);
}
