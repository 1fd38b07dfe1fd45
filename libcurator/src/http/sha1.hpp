#pragma once
// Incremental SHA-1 over OpenSSL's EVP interface (the hash MediaWiki uses to
// find duplicate files), and SHA-1 of a byte range of an open file.

#include <openssl/evp.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace curator::http::detail {

class Sha1 {
 public:
  Sha1();
  ~Sha1();
  Sha1(const Sha1&) = delete;
  Sha1& operator=(const Sha1&) = delete;

  void reset();
  void update(std::string_view data);
  /// Lower-case hex of the digest; the state must be reset() before reuse.
  std::string hex_digest();

 private:
  EVP_MD_CTX* ctx_;
};

/// SHA-1 of [offset, offset + length) of `fd` read with pread; stops early at
/// end of file and reports the bytes read in `bytes_read`. Throws Error on I/O errors.
std::string sha1_of_fd(int fd, std::uint64_t offset, std::uint64_t length,
                       std::uint64_t& bytes_read);

}  // namespace curator::http::detail
