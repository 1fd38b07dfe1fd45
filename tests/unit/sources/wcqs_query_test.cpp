#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "sources/wcqs_query.hpp"

using namespace curator;
using namespace curator::sources;

TEST_CASE("the existing-files query lists the ids as literals") {
  CHECK(wcqs::existing_files_query("P1947", {"1", "22"}) ==
        R"(SELECT ?file ?id WHERE { VALUES ?id { "1" "22" } ?file wdt:P1947 ?id. })");
  CHECK(wcqs::existing_files_query("P12120", {"5"}) ==
        R"(SELECT ?file ?id WHERE { VALUES ?id { "5" } ?file wdt:P12120 ?id. })");
}

TEST_CASE("hostile ids and properties never reach the query") {
  const auto q = wcqs::existing_files_query("P1947", {"1\" } . ?x ?y ?z { \"", "2", "", "a b"});
  CHECK(q == R"(SELECT ?file ?id WHERE { VALUES ?id { "2" } ?file wdt:P1947 ?id. })");
  CHECK_THROWS_AS(wcqs::existing_files_query("P1947 ?x", {"1"}), Error);
  CHECK_THROWS_AS(wcqs::existing_files_query("Q1", {"1"}), Error);
  CHECK_THROWS_AS(wcqs::existing_files_query("P", {"1"}), Error);
}

TEST_CASE("SPARQL results become id → files, without repeats") {
  const auto result = json::parse(R"({"head":{"vars":["file","id"]},"results":{"bindings":[
    {"file":{"type":"uri","value":"https://commons.wikimedia.org/entity/M1"},
     "id":{"type":"literal","value":"10"}},
    {"file":{"type":"uri","value":"https://commons.wikimedia.org/entity/M2"},
     "id":{"type":"literal","value":"10"}},
    {"file":{"type":"uri","value":"https://commons.wikimedia.org/entity/M1"},
     "id":{"type":"literal","value":"10"}},
    {"file":{"type":"uri","value":"https://commons.wikimedia.org/entity/M3"},
     "id":{"type":"literal","value":"11"}},
    {"id":{"type":"literal","value":"12"}},
    {"file":{"type":"uri","value":7},"id":{"type":"literal","value":"13"}}]}})");
  const auto files = wcqs::parse_existing_files(result);
  REQUIRE(files.size() == 2);
  REQUIRE(files.at("10").size() == 2);
  CHECK(files.at("10")[0].url == "https://commons.wikimedia.org/entity/M1");
  CHECK(files.at("10")[1].url == "https://commons.wikimedia.org/entity/M2");
  CHECK(files.at("11")[0].url == "https://commons.wikimedia.org/entity/M3");
}

TEST_CASE("documents that are not SPARQL results are refused") {
  CHECK(wcqs::parse_existing_files(json::parse(R"({"results":{"bindings":[]}})")).empty());
  CHECK_THROWS_AS(wcqs::parse_existing_files(json::parse("[]")), Error);
  CHECK_THROWS_AS(wcqs::parse_existing_files(json::parse(R"({"results":{}})")), Error);
  CHECK_THROWS_AS(wcqs::parse_existing_files(json::parse(R"({"results":{"bindings":[1]}})")),
                  Error);
}
