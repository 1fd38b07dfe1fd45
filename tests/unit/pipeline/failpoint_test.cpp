// CURATOR_FAILPOINT parsing and counting: every step name, the arrival
// count, and malformed or hostile values refused with the variable named.
// (The kill itself is exercised by tests/integration/pipeline/crash_test.cpp.)
#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "curator/core/error.hpp"
#include "pipeline/failpoint.hpp"

using namespace curator;
using namespace curator::pipeline::detail;

TEST_CASE("every step name parses, with and without a count") {
  const std::vector<std::pair<std::string, Failpoint>> names{
      {"claim", Failpoint::claim}, {"download", Failpoint::download},
      {"lock", Failpoint::lock},   {"chunk", Failpoint::chunk},
      {"stash", Failpoint::stash}, {"publish", Failpoint::publish},
      {"sdc", Failpoint::sdc},     {"status", Failpoint::status}};
  for (const auto& [name, point] : names) {
    CAPTURE(name);
    CHECK(to_string(point) == name);
    CHECK(parse_failpoint(name) == FailpointSpec{point, 1});
    CHECK(parse_failpoint(name + ":3") == FailpointSpec{point, 3});
  }
  CHECK(parse_failpoint("chunk:1000000").hit == 1000000);
}

TEST_CASE("malformed and hostile values are refused, naming the variable") {
  for (const std::string& bad : std::vector<std::string>{
           "", "nope", "Chunk", "chunk:", "chunk:0", "chunk:-1", "chunk:abc", "chunk:2x",
           "chunk:1000001", "chunk:99999999999999999999999", "chunk: 2", " chunk", "chunk:2:3",
           std::string("sdc\0x", 5), std::string(10000, 'a')}) {
    CAPTURE(bad);
    try {
      parse_failpoint(bad);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::invalid_input);
      const std::string what = e.what();
      CHECK(what.find("CURATOR_FAILPOINT") != std::string::npos);
      CHECK(what.size() < 400);  // an oversize value is not echoed whole
    }
  }
}

TEST_CASE("the trigger fires once, on the n-th arrival at its own point") {
  FailpointTrigger t(FailpointSpec{Failpoint::chunk, 3});
  CHECK(t.armed());
  CHECK_FALSE(t.reached(Failpoint::sdc));
  CHECK_FALSE(t.reached(Failpoint::chunk));
  CHECK_FALSE(t.reached(Failpoint::sdc));
  CHECK_FALSE(t.reached(Failpoint::chunk));
  CHECK(t.reached(Failpoint::chunk));
  CHECK_FALSE(t.reached(Failpoint::chunk));

  FailpointTrigger none(std::nullopt);
  CHECK_FALSE(none.armed());
  for (int i = 0; i < 10; ++i)
    CHECK_FALSE(none.reached(Failpoint::claim));
}

TEST_CASE("concurrent arrivals fire the trigger exactly once") {
  FailpointTrigger t(FailpointSpec{Failpoint::status, 500});
  std::atomic<int> fired{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 250; ++k)
        if (t.reached(Failpoint::status)) fired.fetch_add(1);
    });
  }
  for (auto& th : threads)
    th.join();
  CHECK(fired.load() == 1);
}

TEST_CASE("unset in this test process: nothing is armed and reaching a point returns") {
  // The unit tests run without CURATOR_FAILPOINT (scripts/test.sh sets none).
  REQUIRE(std::getenv("CURATOR_FAILPOINT") == nullptr);
  CHECK_FALSE(armed_failpoint().has_value());
  failpoint(Failpoint::claim);  // returns: the process is still here
  CHECK(true);
}
