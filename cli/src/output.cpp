#include "output.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace curator::cli {
namespace {

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

Output::Output(bool json) : json_(json), live_(!json && ::isatty(STDERR_FILENO) == 1) {}

void Output::line(std::string_view text) {
  std::cout << text << '\n';
  std::cout.flush();
}

void Output::object(const json::value& value) {
  std::cout << json::serialize(value) << '\n';
  std::cout.flush();
}

void Output::note(std::string_view text) {
  std::cerr << text << '\n';
}

void Output::table(const std::vector<std::string>& header,
                   const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], code_points(row[i]));
  };
  measure(header);
  for (const auto& r : rows)
    measure(r);
  auto print = [&](const std::vector<std::string>& row) {
    std::string out;
    for (std::size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out.append(width[i] - code_points(row[i]) + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ')
      out.pop_back();
    line(out);
  };
  print(header);
  for (const auto& r : rows)
    print(r);
}

std::string ellipsize(std::string_view text, std::size_t width) {
  if (code_points(text) <= width) return std::string(text);
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((text[i] & 0xC0) != 0x80) {
      if (n + 1 == width) break;
      ++n;
    }
    out += text[i];
  }
  return out + "…";
}

}  // namespace curator::cli
