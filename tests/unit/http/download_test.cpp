#include "curator/http/download.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <sstream>

#include "curator/core/error.hpp"
#include "curator/core/json.hpp"
#include "fixture_server.hpp"
#include "test_support.hpp"

using namespace curator;
using namespace curator::http;
using namespace std::chrono_literals;
using curator::test::fixture_server;
using curator::test::pattern;
using curator::test::sha1_hex;
using curator::test::test_client_options;

namespace {

// Delays are recorded, never slept: the tests check the policy, not the clock.
struct RecordedPolicy {
  std::vector<std::chrono::milliseconds> waits;
  RetryPolicy policy(std::vector<std::chrono::milliseconds> delays = {1ms, 2ms, 3ms}) {
    RetryPolicy p;
    p.delays = std::move(delays);
    p.sleep = [this](std::chrono::milliseconds d) { waits.push_back(d); };
    return p;
  }
};

std::string unique_key(const char* name) {
  static std::atomic<int> counter{0};
  return std::string(name) + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

long long hits(const std::string& key) {
  Client c(test_client_options());
  return json::parse(c.get(fixture_server().url("/hits?key=" + key)).body).at("hits").as_int64();
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool empty_dir(const std::filesystem::path& p) {
  return std::filesystem::directory_iterator(p) == std::filesystem::directory_iterator();
}

template <class F>
Error error_from(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  FAIL("no curator::Error thrown");
  return Error(ErrorKind::permanent, "unreachable");
}

}  // namespace

TEST_CASE("download: bytes, size, SHA-1, content type; private file removed with its owner") {
  curator::test::TempDir dir;
  Client client(test_client_options());
  const std::size_t n = (5u << 20) + 17;
  std::filesystem::path path;
  {
    const auto d = download_to_temp_file(
        client, fixture_server().url("/bytes?n=" + std::to_string(n) + "&seed=5"), dir.path());
    path = d.file.path();
    CHECK(path.parent_path() == dir.path());
    CHECK(d.size == n);
    CHECK(d.sha1_hex == sha1_hex(pattern(n, 5)));
    CHECK(d.content_type == "image/jpeg");
    CHECK(d.attempts == 1);
    CHECK(read_file(path) == pattern(n, 5));
    CHECK(sha1_file_hex(path) == d.sha1_hex);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
  CHECK_FALSE(std::filesystem::exists(path));

  auto kept = download_to_temp_file(client, fixture_server().url("/bytes?n=10"), dir.path());
  const auto released = kept.file.release();
  { const auto gone = std::move(kept); }
  CHECK(std::filesystem::exists(released));
  std::filesystem::remove(released);
}

TEST_CASE("download: gzip and chunked bodies are hashed after decoding") {
  curator::test::TempDir dir;
  Client client(test_client_options());
  auto d = download_to_temp_file(client, fixture_server().url("/bytes?n=400000&seed=1&gzip=1"),
                                 dir.path());
  CHECK(d.size == 400000);
  CHECK(d.sha1_hex == sha1_hex(pattern(400000, 1)));
  d = download_to_temp_file(client, fixture_server().url("/bytes?n=400000&seed=1&chunked=1"),
                            dir.path());
  CHECK(d.sha1_hex == sha1_hex(pattern(400000, 1)));
}

TEST_CASE("download retries 5xx, resets and 429 with the policy's delays") {
  curator::test::TempDir dir;
  Client client(test_client_options());
  for (const char* mode : {"503", "500", "reset", "429"}) {
    CAPTURE(mode);
    RecordedPolicy rec;
    DownloadOptions options;
    options.retry = rec.policy();
    const auto key = unique_key(mode);
    const auto d = download_to_temp_file(
        client,
        fixture_server().url("/flaky?key=" + key + "&fail=2&mode=" + mode + "&n=200000&seed=3"),
        dir.path(), options);
    CHECK(d.attempts == 3);
    CHECK(hits(key) == 3);
    CHECK(rec.waits == std::vector<std::chrono::milliseconds>{1ms, 2ms});
    // Earlier partial attempts left nothing behind in the file.
    CHECK(d.size == 200000);
    CHECK(read_file(d.file.path()) == pattern(200000, 3));
  }
}

TEST_CASE("download uses the upstream delays 3, 5, 10 s by default (four attempts)") {
  curator::test::TempDir dir;
  Client client(test_client_options());
  std::vector<std::chrono::milliseconds> waits;
  DownloadOptions options;
  options.retry.sleep = [&](std::chrono::milliseconds d) { waits.push_back(d); };
  CHECK(options.retry.attempts() == 4);
  const auto key = unique_key("defaults");
  const auto e = error_from([&] {
    download_to_temp_file(client, fixture_server().url("/flaky?key=" + key + "&fail=10&mode=503"),
                          dir.path(), options);
  });
  CHECK(e.kind() == ErrorKind::transient);
  CHECK(e.code() == "http_503");
  CHECK(hits(key) == 4);
  CHECK(waits == std::vector<std::chrono::milliseconds>{3s, 5s, 10s});
  CHECK(empty_dir(dir.path()));
}

TEST_CASE("4xx fail at once: 404 not_found, 403 permanent") {
  curator::test::TempDir dir;
  Client client(test_client_options());
  for (const auto& [mode, kind] :
       {std::pair{"404", ErrorKind::not_found}, std::pair{"403", ErrorKind::permanent},
        std::pair{"400", ErrorKind::permanent}}) {
    CAPTURE(mode);
    RecordedPolicy rec;
    DownloadOptions options;
    options.retry = rec.policy();
    const auto key = unique_key(mode);
    const auto e = error_from([&] {
      download_to_temp_file(client,
                            fixture_server().url("/flaky?key=" + key + "&fail=10&mode=" + mode),
                            dir.path(), options);
    });
    CHECK(e.kind() == kind);
    CHECK(hits(key) == 1);
    CHECK(rec.waits.empty());
    CHECK(empty_dir(dir.path()));
  }
}

TEST_CASE("Retry-After: honoured when short, ends the retries when too long") {
  curator::test::TempDir dir;
  Client client(test_client_options());
  RecordedPolicy rec;
  DownloadOptions options;
  options.retry = rec.policy();
  auto key = unique_key("ra-short");
  {
    const auto d = download_to_temp_file(
        client, fixture_server().url("/flaky?key=" + key + "&fail=1&mode=429&retry_after=2"),
        dir.path(), options);
    CHECK(d.attempts == 2);
    CHECK(rec.waits == std::vector<std::chrono::milliseconds>{2000ms});
  }

  key = unique_key("ra-long");
  const auto e = error_from([&] {
    download_to_temp_file(
        client, fixture_server().url("/flaky?key=" + key + "&fail=10&mode=503&retry_after=3600"),
        dir.path(), options);
  });
  CHECK(e.kind() == ErrorKind::transient);
  CHECK(e.retry_after() == std::chrono::seconds(3600));
  CHECK(hits(key) == 1);
  key = unique_key("ra-429");
  const auto limited = error_from([&] {
    download_to_temp_file(
        client, fixture_server().url("/flaky?key=" + key + "&fail=10&mode=429&retry_after=600"),
        dir.path(), options);
  });
  CHECK(limited.kind() == ErrorKind::rate_limited);
  CHECK(limited.retry_after() == std::chrono::seconds(600));
  CHECK(empty_dir(dir.path()));
}

TEST_CASE("wrong content types and empty bodies are retried, then permanent") {
  curator::test::TempDir dir;
  Client client(test_client_options());
  for (const char* mode : {"type", "empty"}) {
    CAPTURE(mode);
    RecordedPolicy rec;
    DownloadOptions options;
    options.retry = rec.policy();
    auto key = unique_key(mode);
    const auto d = download_to_temp_file(
        client, fixture_server().url("/flaky?key=" + key + "&fail=2&mode=" + mode + "&n=999"),
        dir.path(), options);
    CHECK(d.attempts == 3);
    CHECK(d.sha1_hex == sha1_hex(pattern(999)));

    key = unique_key(mode);
    const auto e = error_from([&] {
      download_to_temp_file(client,
                            fixture_server().url("/flaky?key=" + key + "&fail=10&mode=" + mode),
                            dir.path(), options);
    });
    CHECK(e.kind() == ErrorKind::permanent);
    CHECK(e.code() == (std::string(mode) == "type" ? "unexpected_content_type" : "empty_body"));
    CHECK(std::string(e.what()).find("after 4 attempts") != std::string::npos);
    CHECK(hits(key) == 4);
  }
  // Allowed prefixes are configurable; an empty list accepts anything.
  DownloadOptions any;
  any.allowed_content_types.clear();
  CHECK(download_to_temp_file(client, fixture_server().url("/bytes?n=5&type=text/html"), dir.path(),
                              any)
            .content_type == "text/html");
  DownloadOptions jpeg_only;
  jpeg_only.allowed_content_types = {"IMAGE/JPEG"};
  jpeg_only.retry = RetryPolicy::none();
  CHECK_NOTHROW(download_to_temp_file(client, fixture_server().url("/bytes?n=5&type=image/jpeg"),
                                      dir.path(), jpeg_only));
  CHECK(error_from([&] {
          download_to_temp_file(client, fixture_server().url("/bytes?n=5&type=image/png"),
                                dir.path(), jpeg_only);
        }).code() == "unexpected_content_type");
}

TEST_CASE("oversize downloads fail at once and leave no file") {
  curator::test::TempDir dir;
  Client client(test_client_options());
  for (const char* extra : {"", "&chunked=1", "&gzip=1"}) {
    CAPTURE(extra);
    RecordedPolicy rec;
    DownloadOptions options;
    options.retry = rec.policy();
    options.max_bytes = 100000;
    const auto key = unique_key("big");
    const auto e = error_from([&] {
      download_to_temp_file(client,
                            fixture_server().url("/flaky?key=" + key + "&fail=0&n=100001" + extra),
                            dir.path(), options);
    });
    CHECK(e.kind() == ErrorKind::permanent);
    CHECK(e.code() == "response_too_large");
    CHECK(hits(key) == 1);
    CHECK(empty_dir(dir.path()));
  }
}

TEST_CASE("download: bad directory, bad URL, secrets redacted") {
  curator::test::TempDir dir;
  Client client(test_client_options());
  auto e = error_from([&] {
    download_to_temp_file(client, fixture_server().url("/bytes?n=5"), dir.path() / "missing");
  });
  CHECK(e.code() == "local_io");
  e = error_from([&] { download_to_temp_file(client, "ftp://127.0.0.1/x", dir.path()); });
  CHECK(e.kind() == ErrorKind::invalid_input);
  CHECK(empty_dir(dir.path()));
  DownloadOptions options;
  options.retry = RetryPolicy::none();
  e = error_from([&] {
    download_to_temp_file(client, fixture_server().url("/status/404?token=s3cret"), dir.path(),
                          options);
  });
  CHECK(e.kind() == ErrorKind::not_found);
  CHECK(std::string(e.what()).find("s3cret") == std::string::npos);
}

TEST_CASE("sha1_file_hex over whole files and ranges") {
  curator::test::TempDir dir;
  const auto path = dir.path() / "abc.txt";
  std::ofstream(path, std::ios::binary) << "xxabcyy";
  CHECK(sha1_file_hex(path, 2, 3) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(sha1_file_hex(path) == sha1_hex("xxabcyy"));
  CHECK(sha1_file_hex(path, 7, 0) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK_THROWS_AS(sha1_file_hex(path, 5, 3), Error);
  CHECK_THROWS_AS(sha1_file_hex(dir.path() / "missing"), Error);
}
