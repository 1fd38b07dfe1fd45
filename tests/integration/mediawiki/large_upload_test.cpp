// A 150 MB file through chunked upload on the real test MediaWiki: 5 MiB
// chunks streamed from disk, async assembly and publish polled with
// checkstatus, the published bytes checked. The file is written to disk row
// by row and never held in memory, by the test or by the client.

#include <doctest/doctest.h>
#include <sys/resource.h>

#include <chrono>

#include "curator/http/download.hpp"
#include "curator/mediawiki/chunked_upload.hpp"
#include "curator/mediawiki/titles.hpp"
#include "wiki.hpp"

using namespace curator;
using namespace curator::mediawiki;

namespace {

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace

TEST_CASE("150 MB chunked upload with async assembly, polled until published") {
  test::TempDir dir;
  const auto file = dir.path() / "large.png";
  const auto size = test::PngWriter::write(file, 150'000'000, test::unique_seed());
  REQUIRE(size >= 150'000'000);
  REQUIRE(size < 151'000'000);
  const auto sha1 = http::sha1_file_hex(file);
  const auto rss_before = peak_rss_kib();

  auto options = test::wiki_options();
  options.http.total_timeout = std::chrono::seconds(300);
  auto admin = test::admin_client(options);
  ChunkedUploadOptions upload_options;  // the default 5 MiB chunks
  upload_options.async = true;
  upload_options.comment = "curator test upload (150 MB)";
  upload_options.text = "== Summary ==\nlibcurator 150 MB integration test.";
  upload_options.poll_interval = std::chrono::milliseconds(200);
  upload_options.poll_timeout = std::chrono::seconds(600);
  int assembling = 0;
  upload_options.on_progress = [&](const UploadSession& s) {
    if (s.stage == UploadSession::Stage::assembling) ++assembling;
  };
  const auto name = test::unique_name("150 MB");
  const auto started = std::chrono::steady_clock::now();
  const auto outcome = ChunkedUpload(admin, file, name, upload_options, sha1).run();
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  MESSAGE("150 MB upload: " << seconds << " s, " << (static_cast<double>(size) / 1e6 / seconds)
                            << " MB/s, " << admin.stats().requests << " requests");

  REQUIRE(outcome.kind == UploadOutcomeKind::published);
  CHECK(assembling >= 1);  // the last chunk was assembled by a job, then polled
  CHECK(outcome.sha1 == sha1);
  const auto info = admin.image_info(name);
  REQUIRE(info.has_value());
  CHECK(info->sha1 == sha1);
  CHECK(info->size == size);
  const auto chunks = (size + upload_options.chunk_size - 1) / upload_options.chunk_size;
  CHECK(admin.stats().bytes_uploaded == size);
  CHECK(admin.stats().requests >= static_cast<long>(chunks) + 2);  // + poll(s) and publish
  // Streamed: the client's peak memory did not grow by anything near the file.
  CHECK(peak_rss_kib() - rss_before < 64 * 1024);
}
