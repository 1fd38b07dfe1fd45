// Chunked uploads against the real test MediaWiki: sync and async assembly,
// every warning outcome the wiki can be made to give, and resumption.
// Uploads run as the admin bot (noratelimit) so they never trip the rate
// limit that ratelimit_test.cpp provokes for the other account.

#include <doctest/doctest.h>

#include <fstream>

#include "curator/core/error.hpp"
#include "curator/http/download.hpp"
#include "curator/mediawiki/api_error.hpp"
#include "curator/mediawiki/chunked_upload.hpp"
#include "curator/mediawiki/titles.hpp"
#include "wiki.hpp"

using namespace curator;
using namespace curator::mediawiki;

namespace {

ChunkedUploadOptions small_chunks(bool async) {
  ChunkedUploadOptions o;
  o.chunk_size = 1u << 20;
  o.async = async;
  o.comment = "curator test upload";
  o.text = "== Summary ==\nlibcurator integration test.";
  o.poll_interval = std::chrono::milliseconds(50);
  return o;
}

void check_on_wiki(MediaWikiClient& client, const UploadOutcome& outcome,
                   const std::filesystem::path& file) {
  REQUIRE(outcome.kind == UploadOutcomeKind::published);
  const auto info = client.image_info(outcome.file_name);
  REQUIRE(info.has_value());
  CHECK(info->sha1 == http::sha1_file_hex(file));
  CHECK(info->size == std::filesystem::file_size(file));
  CHECK(outcome.sha1 == info->sha1);
  CHECK_FALSE(outcome.description_url.empty());
  CHECK(outcome.description_url == info->description_url);
}

}  // namespace

TEST_CASE("a file smaller than one chunk: one chunk, then the publish (sync and async)") {
  test::TempDir dir;
  auto admin = test::admin_client();
  for (const bool async : {false, true}) {
    CAPTURE(async);
    const auto file = test::make_png(dir, 30000);
    const auto name = test::unique_name(async ? "small async" : "small sync");
    ChunkedUpload upload(admin, file, name, small_chunks(async));
    const auto outcome = upload.run();
    check_on_wiki(admin, outcome, file);
    CHECK(outcome.file_name == name);
    CHECK(upload.session().stage == UploadSession::Stage::done);
    const auto found = admin.find_files_by_sha1(outcome.sha1);
    REQUIRE(found.size() == 1);
    CHECK(found[0].name == name);
  }
}

TEST_CASE("chunked upload with inline assembly: every chunk, the stash checked, published") {
  test::TempDir dir;
  auto admin = test::admin_client();
  const auto file = test::make_png(dir, 2600000);  // 3 chunks of 1 MiB
  std::vector<UploadSession> steps;
  auto options = small_chunks(false);
  options.on_progress = [&](const UploadSession& s) { steps.push_back(s); };
  const auto before = admin.stats();
  ChunkedUpload upload(admin, file, test::unique_name("chunked sync"), options);
  const auto outcome = upload.run();
  check_on_wiki(admin, outcome, file);
  const auto after = admin.stats();
  CHECK(after.bytes_uploaded - before.bytes_uploaded == std::filesystem::file_size(file));
  CHECK(after.retries == before.retries);
  // offsets 1 MiB, 2 MiB, then stashed (with the assembled file's new key), then done
  REQUIRE(steps.size() == 4);
  CHECK(steps[0].offset == 1u << 20);
  CHECK(steps[1].offset == 2u << 20);
  CHECK(steps[2].stage == UploadSession::Stage::stashed);
  CHECK(steps[2].filekey != steps[1].filekey);
  CHECK(steps[3].stage == UploadSession::Stage::done);
}

TEST_CASE("chunked upload with async assembly and publish, polled with checkstatus") {
  test::TempDir dir;
  auto admin = test::admin_client();
  const auto file = test::make_png(dir, 2600000);
  std::vector<UploadSession::Stage> stages;
  auto options = small_chunks(true);
  options.on_progress = [&](const UploadSession& s) { stages.push_back(s.stage); };
  ChunkedUpload upload(admin, file, test::unique_name("chunked async"), options);
  const auto outcome = upload.run();
  check_on_wiki(admin, outcome, file);
  const std::vector<UploadSession::Stage> expected{
      UploadSession::Stage::sending,    UploadSession::Stage::sending,
      UploadSession::Stage::assembling, UploadSession::Stage::stashed,
      UploadSession::Stage::publishing, UploadSession::Stage::done};
  CHECK(stages == expected);
}

TEST_CASE("a given SHA-1 is checked against the stash: a wrong one fails before the publish") {
  test::TempDir dir;
  auto admin = test::admin_client();
  for (const bool async : {false, true}) {
    CAPTURE(async);
    const auto file = test::make_png(dir, 1500000);  // 2 chunks of 1 MiB
    const auto name = test::unique_name(async ? "wrong sha1 async" : "wrong sha1 sync");
    // Right SHA-1: trusted up front, confirmed by the wiki's, published.
    const auto right = http::sha1_file_hex(file);
    const auto ok = ChunkedUpload(admin, file, name + " ok.png", small_chunks(async), right).run();
    check_on_wiki(admin, ok, file);
    // Wrong SHA-1 (say the caller hashed bytes it had not flushed): the
    // wiki's SHA-1 of the stash differs, the file is hashed, and the upload
    // stops with file_changed instead of publishing or starting again.
    const auto other = test::make_png(dir, 1500001);
    const std::string wrong(40, 'a');
    ChunkedUpload upload(admin, other, name, small_chunks(async), wrong);
    try {
      upload.run();
      FAIL("an upload with a wrong SHA-1 was published");
    } catch (const Error& e) {
      CHECK(e.code() == "file_changed");
      CHECK(e.kind() == ErrorKind::invalid_input);
    }
    CHECK(upload.session().restarts == 0);
    CHECK_FALSE(admin.image_info(name).has_value());
  }
}

TEST_CASE("the same bytes again: duplicate under a new name, nochange under the same") {
  test::TempDir dir;
  auto admin = test::admin_client();
  const auto file = test::make_png(dir, 1500000);
  const auto first = test::unique_name("original");
  const auto published = ChunkedUpload(admin, file, first, small_chunks(false)).run();
  REQUIRE(published.published());

  for (const bool async : {false, true}) {
    CAPTURE(async);
    const auto copy =
        ChunkedUpload(admin, file, test::unique_name("copy"), small_chunks(async)).run();
    CHECK(copy.kind == UploadOutcomeKind::duplicate);
    CHECK(copy.duplicates == std::vector<std::string>{first});
    CHECK(copy.filekey.has_value());
    CHECK_FALSE(admin.image_info(copy.file_name).has_value());  // nothing was published
  }

  const auto again = ChunkedUpload(admin, file, first, small_chunks(false)).run();
  CHECK(again.kind == UploadOutcomeKind::duplicate);
  REQUIRE_FALSE(again.duplicates.empty());
  CHECK(again.duplicates.front() == first);
  CHECK(again.warnings.nochange);
}

TEST_CASE("other bytes under an existing name: exists, and nothing is overwritten") {
  test::TempDir dir;
  auto admin = test::admin_client();
  const auto name = test::unique_name("taken");
  const auto original = test::make_png(dir, 40000);
  REQUIRE(ChunkedUpload(admin, original, name, small_chunks(false)).run().published());
  const auto other = test::make_png(dir, 40000);
  for (const bool async : {false, true}) {
    CAPTURE(async);
    const auto outcome = ChunkedUpload(admin, other, name, small_chunks(async)).run();
    CHECK(outcome.kind == UploadOutcomeKind::exists);
    CHECK(outcome.existing_name == name);
  }
  CHECK(admin.image_info(name)->sha1 == http::sha1_file_hex(original));
}

TEST_CASE("a blacklisted title fails at the publish as a typed outcome") {
  test::TempDir dir;
  auto admin = test::admin_client();
  const auto title = test::require_env("CURATOR_TEST_MW_BLACKLISTED_TITLE");
  const auto verdict = admin.check_title_blacklist(file_title(title), "upload");
  CHECK(verdict.blacklisted);
  CHECK(verdict.message.starts_with("titleblacklist-"));
  CHECK_FALSE(
      admin.check_title_blacklist(file_title(test::unique_name("fine")), "upload").blacklisted);

  for (const auto& name : {title, std::string("IMG_1234.png")}) {
    CAPTURE(name);
    const auto outcome =
        ChunkedUpload(admin, test::make_png(dir, 20000), name, small_chunks(false)).run();
    CHECK(outcome.kind == UploadOutcomeKind::blacklisted);
    REQUIRE(outcome.error.has_value());
    CHECK(outcome.error->code.starts_with("titleblacklist-"));
    CHECK(outcome.filekey.has_value());
  }
}

TEST_CASE("names the wiki would refuse are refused before a byte is sent") {
  test::TempDir dir;
  auto admin = test::admin_client();
  const auto file = test::make_png(dir, 5000);
  for (const char* name :
       {"Bad<name>.png", "Bad ~~~ name.png", "Bad%41name.png", "../escape.png",
        "Bad:name/with\\slashes.png", "NoExtension", ".png", "Trailing dot.png."}) {
    CAPTURE(name);
    ChunkedUpload upload(admin, file, name, small_chunks(false));
    try {
      upload.run();
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::invalid_input);
    }
  }
  CHECK_THROWS_AS(ChunkedUpload(admin, file, std::string(250, 'A') + ".png").run(), Error);
  CHECK(admin.stats().requests == 0);  // not even a login
}

TEST_CASE("content the wiki refuses: a typed file_refused outcome") {
  test::TempDir dir;
  auto admin = test::admin_client();
  const auto png = test::make_png(dir, 5000);
  const auto outcome =
      ChunkedUpload(admin, png, test::unique_name("png bytes", "jpg"), small_chunks(false)).run();
  CHECK(outcome.kind == UploadOutcomeKind::file_refused);
  REQUIRE(outcome.error.has_value());
  // Chunks are verified when assembled; the verdict comes as stashfailed.
  CHECK(outcome.error->code == "stashfailed");
  CHECK(outcome.error->type == ApiErrorType::file_refused);

  const auto text = dir.path() / "notes.txt";
  {
    std::ofstream out(text);
    out << std::string(3000, 'x');
  }
  const auto banned =
      ChunkedUpload(admin, text, test::unique_name("notes", "txt"), small_chunks(false)).run();
  // The stash refuses the extension on the first chunk, as a name problem.
  CHECK(banned.kind == UploadOutcomeKind::bad_filename);
  REQUIRE(banned.error.has_value());
  CHECK(banned.error->code == "illegal-filename");

  const auto empty = dir.path() / "empty.png";
  { std::ofstream out(empty); }
  try {
    ChunkedUpload(admin, empty, test::unique_name("empty")).run();
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == "empty-file");
  }
}

TEST_CASE("deleted files: was-deleted and duplicate-archive outcomes") {
  test::TempDir dir;
  auto admin = test::admin_client();
  const auto name = test::unique_name("to be deleted");
  const auto file = test::make_png(dir, 20000);
  REQUIRE(ChunkedUpload(admin, file, name, small_chunks(false)).run().published());
  const auto deleted = admin.call(ApiRequest{
      {{"action", "delete"}, {"title", file_title(name)}, {"reason", "curator test"}}, true, true});
  REQUIRE_FALSE(find_api_error(deleted).has_value());

  const auto same_bytes =
      ChunkedUpload(admin, file, test::unique_name("deleted bytes"), small_chunks(false)).run();
  CHECK(same_bytes.kind == UploadOutcomeKind::duplicate_archive);
  CHECK(same_bytes.existing_name == name);

  const auto same_name =
      ChunkedUpload(admin, test::make_png(dir, 20000), name, small_chunks(false)).run();
  CHECK(same_name.kind == UploadOutcomeKind::was_deleted);
}

TEST_CASE("a wrong offset resumes at the offset the server reports") {
  test::TempDir dir;
  auto admin = test::admin_client();
  const auto file = test::make_png(dir, 3500000);
  const auto size = std::filesystem::file_size(file);
  const auto name = test::unique_name("offset");
  // Two chunks by hand: the server holds 2 MiB.
  ChunkRequest c{name, size, 0, 1u << 20, std::nullopt, file};
  const auto r1 = admin.upload_chunk(c);
  REQUIRE(r1.result == UploadResult::continue_);
  c.offset = 1u << 20;
  c.filekey = r1.filekey;
  const auto r2 = admin.upload_chunk(c);
  REQUIRE(r2.offset == 2u << 20);
  // A chunk at the wrong place is a typed error with the server's offset.
  c.offset = 3u << 20;
  c.length = size - c.offset;
  try {
    admin.upload_chunk(c);
    FAIL("expected an error");
  } catch (const ApiException& e) {
    CHECK(e.type() == ApiErrorType::wrong_offset);
    CHECK(e.api_error().expected_offset() == (2u << 20));
  }
  // A session that believes only 1 MiB arrived resumes at 2 MiB.
  UploadSession stale;
  stale.file_name = name;
  stale.file_size = size;
  stale.sha1 = http::sha1_file_hex(file);
  stale.filekey = r1.filekey;
  stale.offset = 1u << 20;
  const auto before = admin.stats().bytes_uploaded;
  ChunkedUpload resumed(admin, file, stale, small_chunks(false));
  const auto outcome = resumed.run();
  check_on_wiki(admin, outcome, file);
  // 1 MiB re-sent in vain, then 2 MiB → end.
  CHECK(admin.stats().bytes_uploaded - before == (1u << 20) + (size - (2u << 20)));
}

TEST_CASE("unknown filekeys: the upload starts again once, then gives up") {
  test::TempDir dir;
  auto admin = test::admin_client();
  const auto file = test::make_png(dir, 2200000);
  UploadSession lost;
  lost.file_name = test::unique_name("lost key");
  lost.file_size = std::filesystem::file_size(file);
  lost.filekey = "1a2b3c4d5e6f.abcdef.1234567.png";
  lost.offset = 1u << 20;
  ChunkedUpload upload(admin, file, lost, small_chunks(false));
  const auto outcome = upload.run();
  check_on_wiki(admin, outcome, file);
  CHECK(upload.session().restarts == 1);

  auto no_restart = small_chunks(false);
  no_restart.max_restarts = 0;
  lost.file_name = test::unique_name("lost key again");
  try {
    ChunkedUpload(admin, file, lost, no_restart).run();
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == "stash_lost");
    CHECK(e.kind() == ErrorKind::transient);
  }

  // The protocol steps report the same errors typed.
  auto expect = [](auto&& f, ApiErrorType type) {
    try {
      f();
      FAIL("expected an error");
    } catch (const ApiException& e) {
      CHECK(e.type() == type);
    }
  };
  expect(
      [&] {
        admin.publish_stashed({"X.png", "1a2b3c4d5e6f.abcdef.1234567.png"});
      },
      ApiErrorType::stash_not_found);
  expect([&] { admin.publish_stashed({"X.png", "not a key!"}); }, ApiErrorType::invalid_request);
  expect([&] { admin.upload_status("1a2b3c4d5e6f.abcdef.1234567.png"); },
         ApiErrorType::missing_result);
  CHECK_FALSE(admin.stash_info("1a2b3c4d5e6f.abcdef.1234567.png").has_value());
}

TEST_CASE("an expired stash entry (cleanupUploadStash) is uploaded again") {
  test::TempDir dir;
  auto admin = test::admin_client();
  const auto mw_dir = std::filesystem::path(test::require_env("CURATOR_TEST_MW_DIR"));
  const auto file = test::make_png(dir, 1500000);
  UploadSession saved;
  auto options = small_chunks(false);
  options.on_progress = [&](const UploadSession& s) {
    if (s.stage == UploadSession::Stage::stashed) {
      saved = s;
      throw std::runtime_error("interrupted after the stash");  // as a crash would
    }
  };
  const auto name = test::unique_name("expired");
  CHECK_THROWS_AS(ChunkedUpload(admin, file, name, options).run(), std::runtime_error);
  REQUIRE(saved.filekey.has_value());
  const auto info = admin.stash_info(*saved.filekey);
  REQUIRE(info.has_value());
  CHECK(info->sha1 == saved.sha1);

  // Age the entry and run the maintenance script production runs from cron.
  const auto db = mw_dir.parent_path() / "data";
  std::string sqlite_file;
  for (const auto& entry : std::filesystem::directory_iterator(db)) {
    const auto n = entry.path().filename().string();
    if (n.ends_with(".sqlite") && n.find("cache") == std::string::npos &&
        n.find("jobqueue") == std::string::npos && n.find("l10n") == std::string::npos) {
      sqlite_file = entry.path().string();
    }
  }
  REQUIRE_FALSE(sqlite_file.empty());
  const auto age = "sqlite3 -cmd '.timeout 20000' '" + sqlite_file +
                   "' \"UPDATE uploadstash SET us_timestamp='20000101000000' WHERE us_key='" +
                   *saved.filekey + "'\"";
  REQUIRE(std::system(age.c_str()) == 0);
  const auto cleanup = "MW_INSTALL_PATH='" + mw_dir.string() + "' php '" + mw_dir.string() +
                       "/maintenance/cleanupUploadStash.php' > /dev/null";
  REQUIRE(std::system(cleanup.c_str()) == 0);
  CHECK_FALSE(admin.stash_info(*saved.filekey).has_value());

  ChunkedUpload resumed(admin, file, saved, small_chunks(false));
  const auto outcome = resumed.run();
  check_on_wiki(admin, outcome, file);
  CHECK(resumed.session().restarts == 1);
}

TEST_CASE("a stored session resumes where it stopped, without sending the chunks again") {
  test::TempDir dir;
  auto admin = test::admin_client();
  const auto file = test::make_png(dir, 2200000);
  UploadSession saved;
  auto options = small_chunks(true);
  options.on_progress = [&](const UploadSession& s) {
    saved = upload_session_from_json(to_json(s));  // what a database would keep
    if (s.stage == UploadSession::Stage::assembling) throw std::runtime_error("crash");
  };
  CHECK_THROWS_AS(ChunkedUpload(admin, file, test::unique_name("resume"), options).run(),
                  std::runtime_error);
  REQUIRE(saved.stage == UploadSession::Stage::assembling);
  const auto sent = admin.stats().bytes_uploaded;
  ChunkedUpload resumed(admin, file, saved, small_chunks(true));
  check_on_wiki(admin, resumed.run(), file);
  CHECK(admin.stats().bytes_uploaded == sent);

  // A different file cannot take over the session.
  const auto other = test::make_png(dir, 2200000);
  CHECK_THROWS_AS(ChunkedUpload(admin, other, saved).run(), Error);
}
