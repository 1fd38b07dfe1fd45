#include "curator/core/ids.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>

#include "curator/core/error.hpp"

namespace curator {
namespace {

constexpr std::string_view kEditGroupAlphabet = "0123456789abcdefABCDEF";

// Drawn from the kernel, not a seeded PRNG: a forked process must never
// repeat its parent's lock owners or request ids.
void fill_random(unsigned char* out, std::size_t n) {
  while (n > 0) {
    const auto got = ::getrandom(out, n, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorKind::permanent, "the kernel's random source failed", "random");
    }
    out += got;
    n -= static_cast<std::size_t>(got);
  }
}

// Uniform over `alphabet` by rejection: bytes at or above the largest
// multiple of the alphabet's size are drawn again.
std::string draw(std::string_view alphabet, std::size_t length) {
  const std::size_t limit = 256 - 256 % alphabet.size();
  std::string out;
  out.reserve(length);
  std::array<unsigned char, 64> pool{};
  while (out.size() < length) {
    fill_random(pool.data(), pool.size());
    for (unsigned char b : pool) {
      if (b >= limit) continue;
      out.push_back(alphabet[b % alphabet.size()]);
      if (out.size() == length) break;
    }
  }
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
