// Chunked uploads that meet trouble, injected by tests/fakes/mediawiki_proxy.py
// in front of the real wiki: 5xx and garbage on a chunk, storage exceptions,
// answers lost after the wiki acted (a chunk, the last chunk, the publish),
// rate limits and maxlag. Every upload must still end published, once, with
// the local bytes.

#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/http/download.hpp"
#include "curator/mediawiki/api_error.hpp"
#include "curator/mediawiki/chunked_upload.hpp"
#include "proxy.hpp"
#include "wiki.hpp"

using namespace curator;
using namespace curator::mediawiki;

namespace {

struct Setup {
  test::TempDir dir;
  test::MediaWikiProxy proxy;
  test::RecordedSleeps sleeps;
  MediaWikiClient client;
  std::filesystem::path file;

  explicit Setup(std::uint64_t bytes = 2600000)
      : client(make_client()), file(test::make_png(dir, bytes)) {}

  MediaWikiClient make_client() {
    auto o = test::wiki_options();
    o.api_url = proxy.commons_api();
    o.retry.sleep = sleeps.function();
    return test::admin_client(std::move(o));
  }

  UploadOutcome upload(bool async, ChunkedUpload** keep = nullptr) {
    ChunkedUploadOptions o;
    o.chunk_size = 1u << 20;
    o.async = async;
    o.poll_interval = std::chrono::milliseconds(50);
    upload_ = std::make_unique<ChunkedUpload>(client, file, test::unique_name("fault"), o);
    if (keep != nullptr) *keep = upload_.get();
    return upload_->run();
  }

  void check_published(const UploadOutcome& outcome) {
    REQUIRE(outcome.kind == UploadOutcomeKind::published);
    const auto info = client.image_info(outcome.file_name);
    REQUIRE(info.has_value());
    CHECK(info->sha1 == http::sha1_file_hex(file));
  }

  std::unique_ptr<ChunkedUpload> upload_;
};

}  // namespace

TEST_CASE("a 502 or a garbled answer on a chunk: the chunk is sent again") {
  for (
      const char* fault :
      {R"({"action":"upload","params":{"offset":"1048576"},"status":502,"count":1})",
       R"({"action":"upload","params":{"offset":"1048576"},"http_body":"<html>oops</html>","count":1})",
       R"({"action":"upload","params":{"offset":"1048576"},"error":"internal_api_error_DBQueryError","count":1})",
       R"({"action":"upload","params":{"offset":"1048576"},"error":"stashfailed","info":"Could not store upload in the stash (backend-fail-internal).","count":1})",
       R"({"action":"upload","params":{"offset":"1048576"},"error":"uploadstash-exception","count":1})"}) {
    CAPTURE(fault);
    Setup s;
    s.proxy.fault(fault);
    s.check_published(s.upload(false));
    CHECK(s.client.stats().retries == 1);
    CHECK(*s.sleeps.waits ==
          std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(1000)});
  }
}

TEST_CASE("a chunk's answer lost after the wiki stored it: resume at the server's offset") {
  Setup s;
  s.proxy.fault(
      R"({"action":"upload","params":{"offset":"1048576"},"reset":true,"phase":"after","count":1})");
  s.check_published(s.upload(false));
  // The repeat of chunk 2 met "Invalid chunk offset" and moved on to 2 MiB.
  const auto chunks = s.proxy.requests("upload");
  int wrong_offset = 0;
  for (const auto& r : chunks) {
    if (!r.at("error").is_null() && r.at("error").as_string() == "stashfailed") ++wrong_offset;
  }
  CHECK(wrong_offset == 1);
}

TEST_CASE("the last chunk's answer lost: sync starts again, async asks for the status") {
  SUBCASE("sync: the assembled file has a new key the client never saw") {
    Setup s;
    s.proxy.fault(
        R"({"action":"upload","params":{"offset":"2097152"},"reset":true,"phase":"after","count":1})");
    ChunkedUpload* upload = nullptr;
    s.check_published(s.upload(false, &upload));
    CHECK(upload->session().restarts == 1);
  }
  SUBCASE("async: the repeat arrives after the assembly consumed the chunks") {
    Setup s;
    // The repeat waits 10 s in the proxy: the job runner assembles meanwhile
    // (one runner serves every test, and under load it may start late).
    s.proxy.fault(
        R"({"action":"upload","params":{"offset":"2097152"},"delay_ms":10000,"skip":1,"count":1})");
    s.proxy.fault(
        R"({"action":"upload","params":{"offset":"2097152"},"reset":true,"phase":"after","count":1})");
    ChunkedUpload* upload = nullptr;
    s.check_published(s.upload(true, &upload));
    CHECK(upload->session().restarts == 0);
    bool consumed = false;
    for (const auto& r : s.proxy.requests("upload")) {
      if (!r.at("error").is_null() && r.at("error").as_string() == "uploadstash-file-not-found") {
        consumed = true;
      }
    }
    CHECK(consumed);
  }
  SUBCASE("async: the repeated last chunk learns the assembly is queued or done") {
    Setup s;
    s.proxy.fault(
        R"({"action":"upload","params":{"offset":"2097152"},"reset":true,"phase":"after","count":1})");
    ChunkedUpload* upload = nullptr;
    s.check_published(s.upload(true, &upload));
    CHECK(upload->session().restarts == 0);
  }
}

TEST_CASE("the publish's answer lost after the wiki published: one file, reported published") {
  for (const bool async : {false, true}) {
    CAPTURE(async);
    Setup s(400000);
    s.proxy.fault(
        R"({"action":"upload","params":{"filekey":true,"checkstatus":false,"offset":false},"reset":true,"phase":"after","count":1})");
    ChunkedUpload* upload = nullptr;
    const auto outcome = s.upload(async, &upload);
    s.check_published(outcome);
    CHECK(upload->session().restarts == 0);
    CHECK(s.client.find_files_by_sha1(outcome.sha1).size() == 1);
  }
}

TEST_CASE("ratelimited on the publish and maxlag on the status: waited out") {
  Setup s(400000);
  s.proxy.fault(
      R"({"action":"upload","params":{"filekey":true,"checkstatus":false,"offset":false},"error":"ratelimited","count":1})");
  s.proxy.fault(R"({"action":"upload","params":{"checkstatus":true},"error":"maxlag","count":1})");
  s.check_published(s.upload(true));
  std::vector<std::chrono::milliseconds> long_waits;
  for (auto w : *s.sleeps.waits) {
    if (w >= std::chrono::seconds(1)) long_waits.push_back(w);
  }
  // The assembly's status (maxlag: its Retry-After, 5 s) comes before the
  // publish (ratelimited: 15 s); the short polls aside.
  CHECK(long_waits == std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(5000),
                                                             std::chrono::milliseconds(15000)});
}

TEST_CASE("a storage failure that persists: the typed error reaches the caller, resumable") {
  Setup s;
  s.proxy.fault(
      R"({"action":"upload","params":{"offset":"1048576"},"error":"uploadstash-exception"})");
  ChunkedUpload* upload = nullptr;
  try {
    s.upload(false, &upload);
    FAIL("expected an error");
  } catch (const ApiException& e) {
    CHECK(e.type() == ApiErrorType::stash_backend);
    CHECK(e.kind() == ErrorKind::transient);
  }
  CHECK(upload->session().stage == UploadSession::Stage::sending);
  CHECK(upload->session().offset == 1u << 20);
  s.proxy.clear_faults();
  ChunkedUploadOptions o;
  o.chunk_size = 1u << 20;
  o.async = false;
  ChunkedUpload resumed(s.client, s.file, upload->session(), o);
  s.check_published(resumed.run());
}
