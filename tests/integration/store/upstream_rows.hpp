#pragma once
// Reads the upstream fixture files: the statements of the schema dump and the values of
// each `INSERT INTO ... VALUES (...)` line of the sample rows, with MySQL's string
// escapes undone. Independent of the store's own code, so that comparing what the
// repositories return with these values is a real check.

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace curator::store::test {

inline std::string read_fixture(const std::string& name) {
  const std::string path = std::string(CURATOR_TEST_FIXTURES) + "/store/" + name;
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct FixtureRow {
  std::string table;
  std::map<std::string, std::optional<std::string>> values;
  const std::optional<std::string>& at(const std::string& column) const {
    const auto it = values.find(column);
    REQUIRE_MESSAGE(it != values.end(), "no column " << column << " in " << table);
    return it->second;
  }
};

/// One MySQL literal starting at text[i]: NULL, a number, or a quoted string.
inline std::optional<std::string> parse_literal(const std::string& text, std::size_t& i) {
  if (text.compare(i, 4, "NULL") == 0) {
    i += 4;
    return std::nullopt;
  }
  if (text[i] != '\'') {
    const auto end = text.find_first_of(",)", i);
    auto v = text.substr(i, end - i);
    i = end;
    return v;
  }
  std::string out;
  for (++i; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\') {
      const char e = text[++i];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case '0':
          out += '\0';
          break;
        case 'Z':
          out += '\x1a';
          break;
        case '%':
          out += "\\%";
          break;
        case '_':
          out += "\\_";
          break;
        default:
          out += e;
      }
    } else if (c == '\'') {
      if (i + 1 < text.size() && text[i + 1] == '\'') {
        out += '\'';
        ++i;
      } else {
        ++i;
        break;
      }
    } else {
      out += c;
    }
  }
  return out;
}

inline std::vector<FixtureRow> parse_fixture_rows(const std::string& text) {
  std::vector<FixtureRow> rows;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("INSERT INTO `", 0) != 0) continue;
    FixtureRow row;
    std::size_t i = 13;
    const auto table_end = line.find('`', i);
    row.table = line.substr(i, table_end - i);
    std::vector<std::string> columns;
    i = line.find('(', table_end) + 1;
    const auto columns_end = line.find(')', i);
    while (i < columns_end) {
      const auto open = line.find('`', i);
      const auto close = line.find('`', open + 1);
      columns.push_back(line.substr(open + 1, close - open - 1));
      i = close + 1;
      if (line[i] == ',') i += 2;
    }
    i = line.find("VALUES (", columns_end) + 8;
    for (std::size_t k = 0; k < columns.size(); ++k) {
      row.values[columns[k]] = parse_literal(line, i);
      if (k + 1 < columns.size()) {
        REQUIRE(line.compare(i, 2, ", ") == 0);
        i += 2;
      }
    }
    REQUIRE(line.compare(i, 2, ");") == 0);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace curator::store::test
