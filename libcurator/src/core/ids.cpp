#include "curator/core/ids.hpp"

#include <random>

namespace curator {
namespace {

constexpr std::string_view kEditGroupAlphabet = "0123456789abcdefABCDEF";

std::mt19937_64& generator() {
  thread_local std::mt19937_64 gen{[] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd()};
    return std::mt19937_64{seq};
  }()};
  return gen;
}

std::string draw(std::string_view alphabet, std::size_t length) {
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string out(length, '0');
  for (auto& c : out)
    c = alphabet[pick(generator())];
  return out;
}

}  // namespace

std::string generate_edit_group_id() {
  return draw(kEditGroupAlphabet, 12);
}

bool is_edit_group_id(std::string_view id) noexcept {
  if (id.size() != 12) return false;
  for (char c : id) {
    if (kEditGroupAlphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

std::string random_hex(std::size_t length) {
  return draw("0123456789abcdef", length);
}

}  // namespace curator
