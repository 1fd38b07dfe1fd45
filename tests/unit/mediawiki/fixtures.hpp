#pragma once
// Recorded MediaWiki 1.39 answers (tests/fixtures/mediawiki, see its README).

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "curator/core/json.hpp"

namespace curator::test {

inline std::filesystem::path mediawiki_fixture_dir() {
  return std::filesystem::path(CURATOR_TEST_FIXTURES) / "mediawiki";
}

/// A JSON file under the fixture directory, as it is.
inline json::value mediawiki_json_file(const std::string& name) {
  std::ifstream in(mediawiki_fixture_dir() / name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return json::parse(buffer.str(), name);
}

/// The whole fixture object (source, request, response, ...).
inline json::value mediawiki_fixture(const std::string& name) {
  return mediawiki_json_file(name);
}

/// Only the recorded answer.
inline json::value mediawiki_answer(const std::string& name) {
  auto fixture = mediawiki_fixture(name);
  return fixture.as_object().at("response");
}

/// Every fixture file name, sorted.
inline std::vector<std::string> mediawiki_fixture_names() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(mediawiki_fixture_dir())) {
    if (entry.path().extension() == ".json") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

/// The value of a request field of a fixture ("" when absent).
inline std::string fixture_request_field(const json::value& fixture, const std::string& field) {
  for (const auto& pair : fixture.as_object().at("request").as_array()) {
    const auto& a = pair.as_array();
    if (a.at(0).as_string() == field) return std::string(a.at(1).as_string());
  }
  return {};
}

}  // namespace curator::test
