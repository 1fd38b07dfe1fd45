// cmake/EmbedMigrations.cmake in script mode: the generated raw string pieces put back
// together give the file's exact bytes (delimiter collisions, long files, `;`, `${}`,
// backslashes, non-ASCII; line endings as LF), and badly named or duplicate files stop the build.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

int generate(const fs::path& dir, const fs::path& out) {
  const auto script = fs::path(CURATOR_SOURCE_DIR) / "cmake" / "EmbedMigrations.cmake";
  const auto command = "cmake -DMIGRATIONS_DIR='" + dir.string() + "' -DOUTPUT='" + out.string() +
                       "' -P '" + script.string() + "' >/dev/null 2>&1";
  return std::system(command.c_str());
}

/// The raw string pieces of `array` in the generated source.
std::vector<std::string> pieces_of(const std::string& source, const std::string& array) {
  std::vector<std::string> pieces;
  auto pos = source.find("constexpr std::string_view " + array + "[] = {");
  REQUIRE(pos != std::string::npos);
  const auto end = source.find("\n};", pos);
  while (true) {
    const auto open = source.find("R\"", pos);
    if (open == std::string::npos || open > end) break;
    const auto paren = source.find('(', open);
    const auto delimiter = source.substr(open + 2, paren - open - 2);
    const auto close = source.find(")" + delimiter + "\"", paren);
    pieces.push_back(source.substr(paren + 1, close - paren - 1));
    pos = close + delimiter.size() + 2;
  }
  return pieces;
}

}  // namespace

TEST_CASE("EmbedMigrations.cmake reproduces every byte and splits long files") {
  curator::test::TempDir dir;
  std::string big;
  for (int i = 0; i < 900; ++i) {
    big += "-- line " + std::to_string(i) + " )sql\" )sql1\" ; ${NOT_A_VAR} \\ \"q\" 'x' Zoë 🚋";
    big += "\n";
  }
  write(dir.path() / "m" / "sqlite" / "0001_big.sql", big);
  write(dir.path() / "m" / "sqlite" / "0002_crlf.sql", "SELECT 1;\r\nSELECT 2;\rSELECT 3;\n");
  write(dir.path() / "m" / "mysql" / "0001_empty.sql", "");
  write(dir.path() / "m" / "mysql" / "0002_one_line.sql", "SELECT 1;");
  const auto out = dir.path() / "gen.cpp";
  REQUIRE(generate(dir.path() / "m", out) == 0);
  std::stringstream s;
  s << std::ifstream(out, std::ios::binary).rdbuf();
  const auto source = s.str();

  const auto pieces = pieces_of(source, "k_sqlite_0001");
  CHECK(pieces.size() > 5);
  std::string joined;
  for (const auto& p : pieces) {
    CHECK(p.size() <= 8000);
    joined += p;
  }
  CHECK(joined == big);
  CHECK(source.find("R\"sql2(") != std::string::npos);  // both collisions avoided
  // Line endings become LF, as a compiler would make them inside a raw literal.
  CHECK(pieces_of(source, "k_sqlite_0002") ==
        std::vector<std::string>{"SELECT 1;\nSELECT 2;\nSELECT 3;\n"});
  CHECK(pieces_of(source, "k_mysql_0001").empty());
  CHECK(pieces_of(source, "k_mysql_0002") == std::vector<std::string>{"SELECT 1;"});
  CHECK(source.find("{\"sqlite\", 1, \"big\", join(k_sqlite_0001)}") != std::string::npos);
  CHECK(source.find("{\"mysql\", 2, \"one_line\", join(k_mysql_0002)}") != std::string::npos);
}

TEST_CASE("EmbedMigrations.cmake refuses badly named, duplicate or stray files") {
  for (const auto& bad :
       std::vector<std::vector<std::string>>{{"sqlite/1_short.sql"},
                                             {"sqlite/0001_Upper.sql"},
                                             {"sqlite/0000_zero.sql"},
                                             {"mysql/0001_a.sql", "mysql/0001_b.sql"},
                                             {"postgres/0001_a.sql"},
                                             {"sqlite/0001_a.txt"}}) {
    CAPTURE(bad.front());
    curator::test::TempDir dir;
    for (const auto& f : bad)
      write(dir.path() / "m" / f, "SELECT 1;");
    CHECK(generate(dir.path() / "m", dir.path() / "gen.cpp") != 0);
  }
}
