#include "curator/auth/fernet.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <memory>

#include "auth/primitives.hpp"
#include "curator/core/error.hpp"
#include "curator/core/json.hpp"

namespace curator::auth {
namespace {

constexpr unsigned char kVersion = 0x80;
constexpr std::size_t kHeaderBytes = 1 + 8 + 16;  // version, timestamp, IV
constexpr std::size_t kMacBytes = 32;
constexpr std::size_t kBlock = 16;

using detail::Base64Alphabet;
using detail::Base64Padding;

[[noreturn]] void invalid_key(std::string_view why) {
  throw Error(ErrorKind::invalid_input,
              std::string("invalid Fernet key (TOKEN_ENCRYPTION_KEY): ") + std::string(why),
              "invalid_fernet_key");
}

[[noreturn]] void invalid_token(std::string_view why) {
  throw Error(ErrorKind::auth, std::string("invalid Fernet token: ") + std::string(why),
              "invalid_token");
}

struct CipherDeleter {
  void operator()(EVP_CIPHER_CTX* p) const noexcept { EVP_CIPHER_CTX_free(p); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherDeleter>;

std::string_view as_view(const std::array<unsigned char, 16>& a) {
  return {reinterpret_cast<const char*>(a.data()), a.size()};
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

std::uint64_t read_be64(std::string_view bytes) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i)
    v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

}  // namespace

std::string generate_fernet_key() {
  auto raw = detail::random_bytes(32);
  auto key = detail::base64_encode(raw, Base64Alphabet::url, Base64Padding::required);
  detail::wipe(raw);
  return key;
}

Fernet::Fernet(std::string_view key) {
  key = trim(key);
  if (key.size() != 44) invalid_key("must be 44 characters of url-safe base64");
  auto raw = detail::base64_decode(key, Base64Alphabet::url, Base64Padding::required);
  if (!raw || raw->size() != 32) {
    if (raw) detail::wipe(*raw);
    invalid_key("not url-safe base64 of 32 bytes");
  }
  std::copy_n(raw->begin(), 16, signing_key_.begin());
  std::copy_n(raw->begin() + 16, 16, encryption_key_.begin());
  detail::wipe(*raw);
}

Fernet::~Fernet() {
  OPENSSL_cleanse(signing_key_.data(), signing_key_.size());
  OPENSSL_cleanse(encryption_key_.data(), encryption_key_.size());
}

Fernet::Fernet(const Fernet& other) = default;
Fernet& Fernet::operator=(const Fernet& other) = default;

std::string Fernet::encrypt(std::string_view plaintext) const {
  std::array<unsigned char, 16> iv{};
  const auto random = detail::random_bytes(iv.size());
  std::copy(random.begin(), random.end(), iv.begin());
  const auto now = to_unix_seconds(now_utc());
  return encrypt_at(plaintext, static_cast<std::uint64_t>(std::max(0LL, now)), iv);
}

std::string Fernet::encrypt_at(std::string_view plaintext, std::uint64_t unix_seconds,
                               const std::array<unsigned char, 16>& iv) const {
  if (plaintext.size() > kMaxTokenChars / 2) {
    throw Error(ErrorKind::invalid_input, "plaintext too large for a Fernet token",
                "fernet_plaintext_too_large");
  }
  std::string data;
  data.reserve(kHeaderBytes + plaintext.size() + kBlock + kMacBytes);
  data += static_cast<char>(kVersion);
  for (int shift = 56; shift >= 0; shift -= 8) {
    data += static_cast<char>((unix_seconds >> shift) & 0xFF);
  }
  data += as_view(iv);

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string cipher(plaintext.size() + kBlock, '\0');
  int len1 = 0;
  int len2 = 0;
  if (!ctx ||
      EVP_EncryptInit_ex2(ctx.get(), EVP_aes_128_cbc(), encryption_key_.data(), iv.data(),
                          nullptr) != 1 ||
      EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(cipher.data()), &len1,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(cipher.data()) + len1,
                          &len2) != 1) {
    throw Error(ErrorKind::permanent, "OpenSSL failure: AES-128-CBC encryption", "crypto_failure");
  }
  cipher.resize(static_cast<std::size_t>(len1 + len2));
  data += cipher;
  data += detail::hmac("SHA256", as_view(signing_key_), data);
  return detail::base64_encode(data, Base64Alphabet::url, Base64Padding::required);
}

std::string Fernet::verified_payload(
    std::string_view token, std::optional<std::pair<std::chrono::seconds, TimePoint>> ttl) const {
  if (token.empty()) invalid_token("empty");
  if (token.size() > kMaxTokenChars) invalid_token("too long");
  auto data = detail::base64_decode(token, Base64Alphabet::url, Base64Padding::required);
  if (!data) invalid_token("not url-safe base64");
  if (data->empty() || static_cast<unsigned char>((*data)[0]) != kVersion) {
    invalid_token("unknown version");
  }
  if (data->size() < kHeaderBytes + kMacBytes) invalid_token("too short");
  const auto timestamp = read_be64(std::string_view(*data).substr(1, 8));
  if (ttl) {
    const auto now = std::max(0LL, to_unix_seconds(ttl->second));
    const auto now_u = static_cast<std::uint64_t>(now);
    const auto limit = static_cast<std::uint64_t>(std::max<long long>(0, ttl->first.count()));
    if (timestamp < now_u && now_u - timestamp > limit) invalid_token("expired");
    if (timestamp > now_u &&
        timestamp - now_u > static_cast<std::uint64_t>(kMaxClockSkew.count())) {
      invalid_token("timestamp too far in the future");
    }
  }
  const std::string_view all(*data);
  const auto signed_part = all.substr(0, all.size() - kMacBytes);
  const auto expected = detail::hmac("SHA256", as_view(signing_key_), signed_part);
  if (!detail::constant_time_equal(expected, all.substr(all.size() - kMacBytes))) {
    invalid_token("signature mismatch (wrong key or altered token)");
  }
  return std::move(*data);
}

std::string Fernet::decrypt(std::string_view token) const {
  return decrypt_payload(verified_payload(token, std::nullopt));
}

std::string Fernet::decrypt(std::string_view token, std::chrono::seconds ttl, TimePoint now) const {
  return decrypt_payload(verified_payload(token, std::make_pair(ttl, now)));
}

std::uint64_t Fernet::timestamp_of(std::string_view token) const {
  return read_be64(std::string_view(verified_payload(token, std::nullopt)).substr(1, 8));
}

std::string Fernet::decrypt_payload(std::string data) const {
  const std::string_view all(data);
  const auto iv = all.substr(9, 16);
  const auto cipher = all.substr(kHeaderBytes, all.size() - kHeaderBytes - kMacBytes);
  if (cipher.empty() || cipher.size() % kBlock != 0) {
    invalid_token("ciphertext is not a whole number of blocks");
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string plain(cipher.size() + kBlock, '\0');
  int len1 = 0;
  int len2 = 0;
  if (!ctx ||
      EVP_DecryptInit_ex2(ctx.get(), EVP_aes_128_cbc(), encryption_key_.data(),
                          reinterpret_cast<const unsigned char*>(iv.data()), nullptr) != 1) {
    throw Error(ErrorKind::permanent, "OpenSSL failure: AES-128-CBC decryption", "crypto_failure");
  }
  const bool ok = EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()),
                                    &len1, reinterpret_cast<const unsigned char*>(cipher.data()),
                                    static_cast<int>(cipher.size())) == 1 &&
                  EVP_DecryptFinal_ex(
                      ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len1, &len2) == 1;
  if (!ok) {
    detail::wipe(plain);
    invalid_token("bad padding");
  }
  plain.resize(static_cast<std::size_t>(len1 + len2));
  return plain;
}

std::string encrypt_credentials(const Fernet& fernet, const Credentials& credentials) {
  auto text = json::serialize(to_json(credentials));
  auto token = fernet.encrypt(text);
  detail::wipe(text);
  return token;
}

Credentials decrypt_credentials(const Fernet& fernet, std::string_view token) {
  auto text = fernet.decrypt(token);
  std::optional<json::value> parsed;
  try {
    parsed = json::parse(text, "decrypted credentials", 64u << 10, 4);
  } catch (const Error&) {
    detail::wipe(text);
    // The parser's message may quote the input, which is secret here.
    throw Error(ErrorKind::invalid_input, "decrypted credentials are not JSON",
                "invalid_credentials");
  }
  detail::wipe(text);
  return credentials_from_json(*parsed);
}

}  // namespace curator::auth
