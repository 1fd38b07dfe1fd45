#pragma once
// The test MediaWiki (scripts/test-services.sh): clients for its two bot
// passwords, names no earlier run used, and PNG files to upload. A missing
// service variable fails the test (require_env), it never skips.

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "curator/mediawiki/client.hpp"
#include "test_png.hpp"
#include "test_support.hpp"

namespace curator::test {

inline mediawiki::ClientOptions wiki_options() {
  mediawiki::ClientOptions o;
  o.api_url = require_env("CURATOR_TEST_MEDIAWIKI_API");
  o.http.user_agent.contact = "https://example.org/curator-tests";
  o.http.total_timeout = std::chrono::seconds(120);
  return o;
}

inline mediawiki::MediaWikiClient admin_client(mediawiki::ClientOptions o = wiki_options()) {
  return mediawiki::MediaWikiClient(std::move(o),
                                    BotPassword{require_env("CURATOR_TEST_MW_ADMIN_BOT_USER"),
                                                require_env("CURATOR_TEST_MW_ADMIN_BOT_PASSWORD")});
}

inline mediawiki::MediaWikiClient uploader_client(mediawiki::ClientOptions o = wiki_options()) {
  return mediawiki::MediaWikiClient(std::move(o),
                                    BotPassword{require_env("CURATOR_TEST_MW_USER_BOT_USER"),
                                                require_env("CURATOR_TEST_MW_USER_BOT_PASSWORD")});
}

/// A rate-limited account of its own for the test that spends the whole
/// upload budget, so the tests uploading as Uploader beside it are not refused.
inline mediawiki::MediaWikiClient limited_client(mediawiki::ClientOptions o = wiki_options()) {
  return mediawiki::MediaWikiClient(
      std::move(o), BotPassword{require_env("CURATOR_TEST_MW_LIMITED_BOT_USER"),
                                require_env("CURATOR_TEST_MW_LIMITED_BOT_PASSWORD")});
}

/// "Curator test 1a2b3c4d <what> 7.png": unique across runs on the same wiki.
inline std::string unique_name(const std::string& what, const std::string& extension = "png") {
  static const std::string run = [] {
    std::random_device rd;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08x", rd());
    return std::string(buf);
  }();
  static std::atomic<int> counter{0};
  return "Curator test " + run + " " + what + " " + std::to_string(++counter) + "." + extension;
}

inline std::uint64_t unique_seed() {
  static std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

/// A new PNG of about `bytes` in `dir`.
inline std::filesystem::path make_png(const TempDir& dir, std::uint64_t bytes) {
  static std::atomic<int> counter{0};
  auto path = dir.path() / ("file" + std::to_string(++counter) + ".png");
  PngWriter::write(path, bytes, unique_seed());
  return path;
}

/// Records waits instead of sleeping (retries and polls stay instant).
struct RecordedSleeps {
  std::shared_ptr<std::vector<std::chrono::milliseconds>> waits =
      std::make_shared<std::vector<std::chrono::milliseconds>>();
  std::function<void(std::chrono::milliseconds)> function() const {
    auto w = waits;
    return [w](std::chrono::milliseconds d) { w->push_back(d); };
  }
};

}  // namespace curator::test
