#include "curator/auth/session_seal.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>

#include "auth/primitives.hpp"
#include "curator/core/error.hpp"

namespace curator::auth {
namespace {

constexpr unsigned char kFormat = 0x01;
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::size_t kExpiryBytes = 8;
constexpr std::string_view kSalt = "curator session seal v1";

struct CipherDeleter {
  void operator()(EVP_CIPHER_CTX* p) const noexcept { EVP_CIPHER_CTX_free(p); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherDeleter>;

[[noreturn]] void crypto_failure() {
  throw Error(ErrorKind::permanent, "OpenSSL failure: AES-256-GCM", "crypto_failure");
}

[[noreturn]] void invalid_session(std::string_view why) {
  throw Error(ErrorKind::auth, std::string("session cookie rejected: ") + std::string(why),
              "session_invalid");
}

unsigned char* bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}
const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

SessionSealer::SessionSealer(std::string_view secret, std::string_view purpose) {
  if (secret.size() < kMinSecretBytes) {
    throw Error(ErrorKind::invalid_input,
                "session secret (CURATOR_SESSION_SECRET) must be at least 32 bytes long",
                "invalid_session_secret");
  }
  if (purpose.empty()) {
    throw Error(ErrorKind::invalid_input, "session seal purpose is empty", "invalid_purpose");
  }
  key_ = detail::hkdf_sha256(secret, kSalt, purpose, 32);
  aad_.assign(1, static_cast<char>(kFormat));
  aad_.append(purpose);
}

SessionSealer::~SessionSealer() {
  detail::wipe(key_);
}

std::string SessionSealer::seal(std::string_view payload, TimePoint expires_at) const {
  if (payload.size() > kMaxPayloadBytes) {
    throw Error(ErrorKind::invalid_input, "session payload too large to seal", "session_too_large");
  }
  const auto expiry = static_cast<std::uint64_t>(std::max(0LL, to_unix_seconds(expires_at)));
  std::string plain;
  plain.reserve(kExpiryBytes + payload.size());
  for (int shift = 56; shift >= 0; shift -= 8)
    plain += static_cast<char>((expiry >> shift) & 0xFF);
  plain += payload;

  const auto nonce = detail::random_bytes(kNonceBytes);
  std::string out;
  out += static_cast<char>(kFormat);
  out += nonce;
  const auto cipher_at = out.size();
  out.resize(cipher_at + plain.size() + kTagBytes);

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  int final_len = 0;
  if (!ctx ||
      EVP_EncryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), bytes(key_), bytes(nonce), nullptr) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(aad_), static_cast<int>(aad_.size())) !=
          1 ||
      EVP_EncryptUpdate(ctx.get(), bytes(out) + cipher_at, &len, bytes(plain),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), bytes(out) + cipher_at + len, &final_len) != 1) {
    detail::wipe(plain);
    crypto_failure();
  }
  detail::wipe(plain);
  std::array<OSSL_PARAM, 2> params{
      OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
                                        bytes(out) + cipher_at + len + final_len, kTagBytes),
      OSSL_PARAM_construct_end()};
  if (EVP_CIPHER_CTX_get_params(ctx.get(), params.data()) != 1) crypto_failure();
  return detail::base64_encode(out, detail::Base64Alphabet::url, detail::Base64Padding::none);
}

std::string SessionSealer::open(std::string_view sealed, TimePoint now) const {
  if (sealed.empty()) invalid_session("empty");
  if (sealed.size() > kMaxSealedChars) invalid_session("too long");
  auto raw =
      detail::base64_decode(sealed, detail::Base64Alphabet::url, detail::Base64Padding::none);
  if (!raw) invalid_session("not base64url");
  if (raw->size() < 1 + kNonceBytes + kExpiryBytes + kTagBytes) invalid_session("too short");
  if (static_cast<unsigned char>((*raw)[0]) != kFormat) invalid_session("unknown format");

  const std::string_view all(*raw);
  const auto nonce = all.substr(1, kNonceBytes);
  const auto cipher = all.substr(1 + kNonceBytes, all.size() - 1 - kNonceBytes - kTagBytes);
  std::string tag(all.substr(all.size() - kTagBytes));

  std::string plain(cipher.size() + 16, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  int final_len = 0;
  if (!ctx ||
      EVP_DecryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), bytes(key_), bytes(nonce), nullptr) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(aad_), static_cast<int>(aad_.size())) !=
          1 ||
      EVP_DecryptUpdate(ctx.get(), bytes(plain), &len, bytes(cipher),
                        static_cast<int>(cipher.size())) != 1) {
    crypto_failure();
  }
  std::array<OSSL_PARAM, 2> params{
      OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag.data(), kTagBytes),
      OSSL_PARAM_construct_end()};
  if (EVP_CIPHER_CTX_set_params(ctx.get(), params.data()) != 1) crypto_failure();
  // Final fails when the tag does not authenticate nonce, AAD and ciphertext.
  if (EVP_DecryptFinal_ex(ctx.get(), bytes(plain) + len, &final_len) != 1) {
    detail::wipe(plain);
    invalid_session("not authentic (altered, or sealed with another secret or purpose)");
  }
  plain.resize(static_cast<std::size_t>(len + final_len));

  std::uint64_t expiry = 0;
  for (std::size_t i = 0; i < kExpiryBytes; ++i) {
    expiry = (expiry << 8) | static_cast<unsigned char>(plain[i]);
  }
  const auto now_s = static_cast<std::uint64_t>(std::max(0LL, to_unix_seconds(now)));
  if (now_s >= expiry) {
    detail::wipe(plain);
    throw Error(ErrorKind::auth, "session cookie expired", "session_expired");
  }
  auto payload = plain.substr(kExpiryBytes);
  detail::wipe(plain);
  return payload;
}

}  // namespace curator::auth
