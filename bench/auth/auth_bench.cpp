// Per-operation cost of the auth module: Fernet encrypt/decrypt of an access
// token, OAuth 1.0a signing of an upload commit, identify-JWT verification and
// session seal/open. Prints microseconds per operation (median of rounds).
//
// Usage: auth_bench [iterations=20000] [rounds=5]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "curator/auth/fernet.hpp"
#include "curator/auth/oauth1.hpp"
#include "curator/auth/session_seal.hpp"

namespace {

using Clock = std::chrono::steady_clock;
volatile std::size_t g_sink = 0;  // keeps results observable

template <class F>
void measure(const char* name, int iterations, int rounds, F&& f) {
  std::vector<double> us;
  for (int r = 0; r < rounds; ++r) {
    const auto start = Clock::now();
    for (int i = 0; i < iterations; ++i)
      g_sink = g_sink + f();
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count() /
                 iterations);
  }
  std::sort(us.begin(), us.end());
  std::printf("%-40s %8.2f us/op  (min %.2f, max %.2f)\n", name, us[us.size() / 2], us.front(),
              us.back());
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::stoi(argv[1]) : 20000;
  const int rounds = argc > 2 ? std::stoi(argv[2]) : 5;
  using namespace curator;

  const auth::Fernet fernet(auth::generate_fernet_key());
  const std::string plain =
      R"(["c417d9ef68f3a87653e0c1db937a34ed", "5663187805c33d39d5cdd5d84539c083"])";
  const std::string token = fernet.encrypt(plain);
  measure("Fernet encrypt (access token)", iterations, rounds,
          [&] { return fernet.encrypt(plain).size(); });
  measure("Fernet decrypt (access token)", iterations, rounds,
          [&] { return fernet.decrypt(token).size(); });

  const auth::OAuth1Signer signer({"c417d9ef68f3a87653e0c1db937a34ed", "consumer-secret-value"},
                                  OAuth1Token{"5663187805c33d39d5cdd5d84539c083", "token-secret"});
  const auth::Parameters form{
      {"filename", "Photo from Mapillary 2025-09-27 (3311472506151794).jpg"},
      {"comment", "Uploaded via Curator from Mapillary image 3311472506151794"},
      {"text", std::string(2000, 'w')},
      {"filekey", "1abcdef.xyz123.jpg"},
      {"token", "0123456789abcdef+\\"}};
  measure("OAuth 1.0a sign (commit, 2 KB wikitext)", iterations, rounds, [&] {
    return signer
        .sign(auth::OAuthRequest(
            "POST", "https://commons.wikimedia.org/w/api.php?action=upload&format=json", form))
        .authorization.size();
  });

  const auth::SessionSealer sealer(std::string(48, 's'));
  const std::string session = R"({"username":"DaxServer","userid":"48812947","groups":["user"]})";
  const auto expiry = now_utc() + std::chrono::hours(24);
  const auto sealed = sealer.seal(session, expiry);
  measure("session seal", iterations, rounds, [&] { return sealer.seal(session, expiry).size(); });
  measure("session open", iterations, rounds, [&] { return sealer.open(sealed).size(); });
  return 0;
}
