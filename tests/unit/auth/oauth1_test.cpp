#include "curator/auth/oauth1.hpp"

#include <doctest/doctest.h>

#include <set>

#include "curator/core/error.hpp"
#include "curator/core/time.hpp"

using namespace curator;
using namespace curator::auth;

namespace {
OAuthRequest fixed(std::string method, std::string url, Parameters form, Parameters extra,
                   std::string nonce, long long timestamp) {
  OAuthRequest r(std::move(method), std::move(url), std::move(form));
  r.oauth_extra = std::move(extra);
  r.nonce = std::move(nonce);
  r.timestamp = timestamp;
  return r;
}
}  // namespace

// Vectors used here, each reproduced independently before use:
// * RFC 5849 §3.4.1.1 (base string of the POST /request example; the RFC gives
//   no secrets for it, so its signature cannot be checked) and §3.4.1.2 (base URIs);
// * RFC 5849 §1.2 (photos request, signature MdpQcU8iPSUjWoN/UDMsK2sui9I=);
// * OAuth Core 1.0 Appendix A.5 (signature tR3+Ty81lMeYAr/Fid0kMTYa/WM=);
// * Twitter's "Creating a signature" guide: its base string and the signature that
//   base string and key produce (hCtSmYh+iHYCEqBWrE7C7hYmtUk=). The guide's page
//   prints tnnArxj06cWHq44gCs1OSKk/jLY=, which those inputs do not produce.

TEST_CASE("percent-encoding per RFC 5849 §3.6") {
  CHECK(oauth_percent_encode("abcXYZ019-._~") == "abcXYZ019-._~");
  CHECK(oauth_percent_encode("Ladies + Gentlemen") == "Ladies%20%2B%20Gentlemen");
  CHECK(oauth_percent_encode("An encoded string!") == "An%20encoded%20string%21");
  CHECK(oauth_percent_encode("Dogs, Cats & Mice") == "Dogs%2C%20Cats%20%26%20Mice");
  CHECK(oauth_percent_encode("\xE2\x98\x83") == "%E2%98%83");  // U+2603 snowman
  CHECK(oauth_percent_encode("=%3D") == "%3D%253D");
  CHECK(oauth_percent_encode(std::string("\0/", 2)) == "%00%2F");
}

TEST_CASE("RFC 5849 §3.4.1.2: base string URI") {
  CHECK(oauth_base_string_uri("http://EXAMPLE.COM:80/r%20v/X?id=123") ==
        "http://example.com/r%20v/X");
  CHECK(oauth_base_string_uri("https://www.example.net:8080/?q=1") ==
        "https://www.example.net:8080/");
  CHECK(oauth_base_string_uri("https://example.org:443") == "https://example.org/");
  CHECK(oauth_base_string_uri("HTTPS://Commons.Wikimedia.org/w/index.php?title=Special:OAuth/"
                              "identify#frag") == "https://commons.wikimedia.org/w/index.php");
  CHECK(oauth_base_string_uri("http://127.0.0.1:8080/w/api.php") ==
        "http://127.0.0.1:8080/w/api.php");
}

TEST_CASE("RFC 5849 §3.4.1.1: the worked example's base string") {
  const std::string url = "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b";
  // The body "c2&a3=2+q" decoded, plus the protocol parameters.
  const Parameters params{{"c2", ""},
                          {"a3", "2 q"},
                          {"oauth_consumer_key", "9djdj82h48djs9d2"},
                          {"oauth_token", "kkk9d7dh3k39sjv7"},
                          {"oauth_signature_method", "HMAC-SHA1"},
                          {"oauth_timestamp", "137131201"},
                          {"oauth_nonce", "7d8f3e4a"}};
  const auto query = oauth_query_parameters(url);
  REQUIRE(query.size() == 4);
  CHECK(query[0] == std::pair<std::string, std::string>{"b5", "=%3D"});
  CHECK(query[2] == std::pair<std::string, std::string>{"c@", ""});
  CHECK(query[3] == std::pair<std::string, std::string>{"a2", "r b"});
  Parameters all = query;
  all.insert(all.end(), params.begin(), params.end());
  CHECK(oauth_normalize_parameters(all) ==
        "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_"
        "nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token="
        "kkk9d7dh3k39sjv7");
  CHECK(
      oauth_signature_base_string("post", url, params) ==
      "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%"
      "25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%"
      "26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%"
      "3Dkkk9d7dh3k39sjv7");
  // The same request through the signer (form fields carry the body).
  OAuth1Signer signer({"9djdj82h48djs9d2", "consumer-secret"},
                      OAuth1Token{"kkk9d7dh3k39sjv7", "token-secret"}, false);
  const auto s =
      signer.sign(fixed("POST", url, {{"c2", ""}, {"a3", "2 q"}}, {}, "7d8f3e4a", 137131201));
  CHECK(s.base_string == oauth_signature_base_string("POST", url, params));
}

TEST_CASE("RFC 5849 §1.2: the photos request signature and header") {
  OAuth1Signer signer({"dpf43f3p2l4k3l03", "kd94hf93k423kf44"},
                      OAuth1Token{"nnch734d00sl2jdk", "pfkkdhi9sl3r4s00"}, false);
  const auto s =
      signer.sign(fixed("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original",
                        {}, {}, "chapoH", 137131202));
  CHECK(s.base_string ==
        "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%"
        "3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26oauth_signature_method%3DHMAC-SHA1%26oauth_"
        "timestamp%3D137131202%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal");
  CHECK(s.signature == "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
  CHECK(s.authorization ==
        "OAuth oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_nonce=\"chapoH\", "
        "oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\", "
        "oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", "
        "oauth_token=\"nnch734d00sl2jdk\"");
}

TEST_CASE("OAuth Core 1.0 Appendix A.5: signature with oauth_version") {
  OAuth1Signer signer({"dpf43f3p2l4k3l03", "kd94hf93k423kf44"},
                      OAuth1Token{"nnch734d00sl2jdk", "pfkkdhi9sl3r4s00"});
  const auto s =
      signer.sign(fixed("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original",
                        {}, {}, "kllo9940pd9333jh", 1191242096));
  CHECK(s.signature == "tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
  CHECK(s.authorization.find("oauth_version=\"1.0\"") != std::string::npos);
}

TEST_CASE("Twitter guide: query plus form body are signed") {
  OAuth1Signer signer({"xvz1evFS4wEEPTGEFPHBog", "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"},
                      OAuth1Token{"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
                                  "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"});
  const auto s = signer.sign(
      fixed("POST", "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
            {{"status", "Hello Ladies + Gentlemen, a signed OAuth request!"}}, {},
            "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", 1318622958));
  CHECK(s.base_string ==
        "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%"
        "26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%"
        "3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_"
        "timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%"
        "26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%"
        "2520signed%2520OAuth%2520request%2521");
  CHECK(s.signature == "hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
  CHECK(s.authorization.find("oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\"") !=
        std::string::npos);
  // Changing any signed input changes the signature.
  auto other = s;
  other = signer.sign(fixed("POST", "https://api.twitter.com/1.1/statuses/update.json",
                            {{"status", "Hello Ladies + Gentlemen, a signed OAuth request!"}}, {},
                            "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", 1318622958));
  CHECK(other.signature != s.signature);
}

TEST_CASE("defaults: random 30-character nonce, current timestamp, consumer-only signing") {
  OAuth1Signer signer({"ck", "cs"}, OAuth1Token{"tk", "ts"});
  std::set<std::string> nonces;
  for (int i = 0; i < 50; ++i) {
    const auto s =
        signer.sign(OAuthRequest("GET", "https://commons.wikimedia.org/w/api.php?action=query"));
    CHECK(s.nonce.size() == 30);
    CHECK(std::abs(s.timestamp - to_unix_seconds(now_utc())) <= 5);
    nonces.insert(s.nonce);
  }
  CHECK(nonces.size() == 50);

  OAuth1Signer consumer_only({"ck", "cs"});
  const auto s =
      consumer_only.sign(fixed("GET",
                               "https://commons.wikimedia.org/w/index.php?title=Special:OAuth/"
                               "initiate",
                               {}, {{"oauth_callback", "oob"}}, "n", 1));
  CHECK(s.authorization.find("oauth_token") == std::string::npos);
  CHECK(s.authorization.find("oauth_callback=\"oob\"") != std::string::npos);
  CHECK(s.base_string.find("oauth_callback%3Doob") != std::string::npos);
  // Consumer-only key is "cs&".
  CHECK(s.signature != signer
                           .sign(fixed("GET",
                                       "https://commons.wikimedia.org/w/index.php?title=Special:"
                                       "OAuth/initiate",
                                       {}, {{"oauth_callback", "oob"}}, "n", 1))
                           .signature);
}

TEST_CASE("bad input: malformed URLs, other schemes, bad extras, empty consumer") {
  OAuth1Signer signer({"ck", "cs"}, OAuth1Token{"tk", "ts"});
  for (const char* url : {"", "not a url", "ftp://example.org/x", "file:///etc/passwd", "http://",
                          "https://example.org/%zz", "/relative/path"}) {
    CAPTURE(url);
    try {
      signer.sign(OAuthRequest("GET", url));
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::invalid_input);
    }
  }
  CHECK_THROWS_AS(signer.sign(OAuthRequest("", "https://example.org/")), Error);
  CHECK_THROWS_AS(
      signer.sign(fixed("GET", "https://example.org/", {}, {{"callback", "x"}}, "n", 1)), Error);
  CHECK_THROWS_AS(OAuth1Signer({"", "cs"}), Error);
  CHECK_THROWS_AS(OAuth1Signer({"ck", ""}), Error);
  // A secret in the URL never reaches the message.
  try {
    signer.sign(OAuthRequest("GET", "https://user:hunter2@exa mple.org/?token=abc"));
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
    CHECK(std::string(e.what()).find("abc") == std::string::npos);
  }
}
