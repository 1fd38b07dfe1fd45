#pragma once
// Byte-level building blocks of the auth module over OpenSSL 3's EVP API:
// strict base64, HMAC, HKDF, random bytes and constant-time comparison.
// Byte strings are std::string (binary-safe); nothing here logs or throws
// messages that contain the bytes it handles.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace curator::auth::detail {

enum class Base64Alphabet { standard, url };
enum class Base64Padding { required, none };

std::string base64_encode(std::string_view data, Base64Alphabet alphabet, Base64Padding padding);
/// Canonical encodings only: the exact alphabet, padding as asked, no
/// whitespace, and zero bits in the unused tail. nullopt on anything else.
std::optional<std::string> base64_decode(std::string_view text, Base64Alphabet alphabet,
                                         Base64Padding padding);

/// Cryptographically secure random bytes (RAND_bytes); throws Error(permanent)
/// when the generator fails.
std::string random_bytes(std::size_t count);
/// `count` characters from [A-Za-z0-9], uniformly distributed.
std::string random_alphanumeric(std::size_t count);

/// HMAC with `digest` ("SHA1", "SHA256") through EVP_MAC.
std::string hmac(const char* digest, std::string_view key, std::string_view data);
/// HKDF-SHA256 (RFC 5869) through EVP_KDF.
std::string hkdf_sha256(std::string_view ikm, std::string_view salt, std::string_view info,
                        std::size_t length);

/// Equal length and equal bytes, in time that depends only on the length.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;
/// Overwrites the bytes (OPENSSL_cleanse) and empties the string.
void wipe(std::string& bytes) noexcept;

}  // namespace curator::auth::detail
