#include "http/sha1.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include "curator/core/error.hpp"

namespace curator::http::detail {

Sha1::Sha1() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr) throw Error(ErrorKind::permanent, "OpenSSL failure: SHA-1 context");
  reset();
}

Sha1::~Sha1() {
  EVP_MD_CTX_free(ctx_);
}

void Sha1::reset() {
  if (EVP_DigestInit_ex2(ctx_, EVP_sha1(), nullptr) != 1) {
    throw Error(ErrorKind::permanent, "OpenSSL failure: SHA-1 init");
  }
}

void Sha1::update(std::string_view data) {
  if (!data.empty() && EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1) {
    throw Error(ErrorKind::permanent, "OpenSSL failure: SHA-1 update");
  }
}

std::string Sha1::hex_digest() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_, md.data(), &len) != 1) {
    throw Error(ErrorKind::permanent, "OpenSSL failure: SHA-1 final");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

std::string sha1_of_fd(int fd, std::uint64_t offset, std::uint64_t length,
                       std::uint64_t& bytes_read) {
  Sha1 sha;
  std::vector<char> buffer(1u << 20);
  bytes_read = 0;
  while (bytes_read < length) {
    const auto want =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), length - bytes_read));
    const auto got = ::pread(fd, buffer.data(), want, static_cast<off_t>(offset + bytes_read));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorKind::permanent,
                  std::string("reading a file failed: ") + std::strerror(errno), "local_io");
    }
    if (got == 0) break;
    sha.update({buffer.data(), static_cast<std::size_t>(got)});
    bytes_read += static_cast<std::uint64_t>(got);
  }
  return sha.hex_digest();
}

}  // namespace curator::http::detail
