#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/mediawiki/upload.hpp"
#include "fixtures.hpp"

using namespace curator;
using namespace curator::mediawiki;

TEST_CASE("chunk answers: Continue with the server's offset, Success with a new key") {
  const auto c1 = parse_upload_reply(
      test::mediawiki_answer("05-01-uploader-chunk-1-offset-0-5242880-bytes.json"));
  CHECK(c1.result == UploadResult::continue_);
  CHECK(c1.offset == 5242880u);
  CHECK(c1.filekey == "1d43zsxgu8ig.thq95e.3.png");
  CHECK(c1.warnings.empty());

  const auto last = parse_upload_reply(
      test::mediawiki_answer("05-03-uploader-chunk-3-offset-10485760-2100228-bytes.json"));
  CHECK(last.result == UploadResult::success);
  CHECK(last.filekey == "1d43zsy5djw8.qd6phc.3.png");  // not the chunk session's key
  CHECK(last.sha1 == "d9e5fa7dd20791c5807e0b8aeec9527544ea8d06");
  CHECK(last.size == 12585988u);
  CHECK_FALSE(last.offset.has_value());

  const auto commit = parse_upload_reply(
      test::mediawiki_answer("05-04-uploader-commit-publish-the-stashed-file-by-fileke.json"));
  CHECK(commit.result == UploadResult::success);
  CHECK(commit.filename == "Sandbox chunked upload 12MB.png");
  CHECK(commit.description_url ==
        "http://127.0.0.1:8391/index.php/File:Sandbox_chunked_upload_12MB.png");
  CHECK(commit.canonical_title == "File:Sandbox chunked upload 12MB.png");
}

TEST_CASE("async answers: Poll stages and checkstatus results") {
  const auto queued = parse_upload_reply(
      test::mediawiki_answer("16-03-uploader-async-chunk-3-offset-4194304-1687614-byte.json"));
  CHECK(queued.result == UploadResult::poll);
  CHECK(queued.stage == "queued");
  CHECK(queued.filekey == "1d43zt3si1a0.cbaf9l.3.png");

  const auto poll = parse_upload_reply(test::mediawiki_answer("16-04-checkstatus-poll-1.json"));
  CHECK(poll.result == UploadResult::poll);
  CHECK_FALSE(poll.filekey.has_value());

  const auto assembled =
      parse_upload_reply(test::mediawiki_answer("16-06-checkstatus-poll-3.json"));
  CHECK(assembled.result == UploadResult::success);
  CHECK(assembled.stage == "assembling");
  CHECK(assembled.filekey == "1d43zt58q4x4.dchjc0.3.png");
  CHECK(assembled.sha1 == "265cce567425fb5408bc23fbbd16a34a1ff38fb4");

  const auto publish = parse_upload_reply(test::mediawiki_answer("16-07-commit-with-async-1.json"));
  CHECK(publish.result == UploadResult::poll);
  CHECK(publish.filename == "Sandbox async chunked.png");

  const auto published =
      parse_upload_reply(test::mediawiki_answer("16-10-checkstatus-poll-publish-3.json"));
  CHECK(published.result == UploadResult::success);
  CHECK(published.stage == "publish");
  CHECK(published.filename == "Sandbox async chunked.png");
}

TEST_CASE("duplicate warnings: direct upload, final chunk and commit") {
  const auto direct =
      parse_upload_reply(test::mediawiki_answer("06-01-uploader-same-bytes-new-name.json"));
  CHECK(direct.result == UploadResult::warning);
  REQUIRE(direct.warnings.duplicates.size() == 1);
  CHECK(direct.warnings.duplicates[0] == "Sandbox simple upload.png");
  auto o = outcome_from_warnings(direct.warnings, "Sandbox duplicate copy.png");
  REQUIRE(o.has_value());
  CHECK(o->kind == UploadOutcomeKind::duplicate);
  CHECK(o->duplicates == std::vector<std::string>{"Sandbox simple upload.png"});
  CHECK(o->describe() ==
        "File:Sandbox duplicate copy.png already exists on the wiki as File:Sandbox simple "
        "upload.png");

  const auto final_chunk = parse_upload_reply(
      test::mediawiki_answer("06-05-uploader-chunked-dup-chunk-3-offset-10485760-21002.json"));
  CHECK(final_chunk.result == UploadResult::success);  // Success, yet with a warning
  CHECK(final_chunk.warnings.duplicates ==
        std::vector<std::string>{"Sandbox chunked upload 12MB.png"});

  const auto commit = parse_upload_reply(
      test::mediawiki_answer("06-06-uploader-commit-without-ignorewarnings.json"));
  CHECK(commit.result == UploadResult::warning);
  CHECK(commit.filekey == "1d43zszmw3g8.cj7nyr.3.png");  // a new key again
  o = outcome_from_warnings(commit.warnings, "Sandbox chunked duplicate.png");
  REQUIRE(o.has_value());
  CHECK(o->kind == UploadOutcomeKind::duplicate);
}

TEST_CASE("exists, nochange and exists-normalized") {
  const auto exists = parse_upload_reply(
      test::mediawiki_answer("07-01-uploader-different-bytes-existing-name.json"));
  auto o = outcome_from_warnings(exists.warnings, "Sandbox simple upload.png");
  REQUIRE(o.has_value());
  CHECK(o->kind == UploadOutcomeKind::exists);
  CHECK(o->existing_name == "Sandbox simple upload.png");
  CHECK(exists.warnings.exists_warning == "exists");

  const auto same = parse_upload_reply(
      test::mediawiki_answer("07-02-uploader-identical-bytes-existing-name.json"));
  CHECK(same.warnings.nochange);
  CHECK(same.warnings.names() == "duplicate,exists,nochange");
  o = outcome_from_warnings(same.warnings, "Sandbox simple upload.png");
  REQUIRE(o.has_value());
  CHECK(o->kind == UploadOutcomeKind::duplicate);
  // The target itself first, then the other copies.
  CHECK(o->duplicates ==
        std::vector<std::string>{"Sandbox simple upload.png", "Sandbox duplicate copy.png"});

  const auto normalized = parse_upload_reply(
      test::mediawiki_answer("07-03-uploader-existing-name-with-upper-case-extension.json"));
  CHECK(normalized.warnings.exists_warning == "exists-normalized");
  o = outcome_from_warnings(normalized.warnings, "Sandbox simple upload.PNG");
  REQUIRE(o.has_value());
  CHECK(o->kind == UploadOutcomeKind::exists);

  // With ignorewarnings on every chunk, the first chunk still reports `exists`.
  const auto chunk = parse_upload_reply(
      test::mediawiki_answer("07-08-uploader-chunked-existing-name-ignorewarnings-1-ch.json"));
  CHECK(chunk.result == UploadResult::continue_);
  CHECK(chunk.warnings.exists == "Sandbox simple upload.png");
}

TEST_CASE("deleted files: was-deleted and duplicate-archive") {
  auto w = parse_upload_reply(test::mediawiki_answer("08-03-uploader-deleted-bytes-new-name.json"))
               .warnings;
  auto o = outcome_from_warnings(w, "Sandbox reupload of deleted bytes.png");
  REQUIRE(o.has_value());
  CHECK(o->kind == UploadOutcomeKind::duplicate_archive);
  CHECK(o->existing_name == "Sandbox to be deleted.png");

  w = parse_upload_reply(test::mediawiki_answer("08-04-uploader-new-bytes-deleted-name.json"))
          .warnings;
  o = outcome_from_warnings(w, "Sandbox to be deleted.png");
  REQUIRE(o.has_value());
  CHECK(o->kind == UploadOutcomeKind::was_deleted);

  w = parse_upload_reply(test::mediawiki_answer("08-05-uploader-deleted-bytes-deleted-name.json"))
          .warnings;
  o = outcome_from_warnings(w, "Sandbox to be deleted.png");
  REQUIRE(o.has_value());
  CHECK(o->kind == UploadOutcomeKind::duplicate_archive);  // the bytes matter more
}

TEST_CASE("bad names: badfilename warnings and errors become outcomes") {
  auto w = parse_upload_reply(
               test::mediawiki_answer("10-01-uploader-characters-not-legal-in-titles.json"))
               .warnings;
  auto o = outcome_from_warnings(w, "Bad<name>.png");
  REQUIRE(o.has_value());
  CHECK(o->kind == UploadOutcomeKind::bad_filename);
  CHECK(o->suggested_name == "Bad-name-.png");

  for (const char* name :
       {"10-02-uploader-signature-tildes-title-cannot-contain-the.json",
        "10-10-uploader-empty-base-name.json", "10-11-uploader-name-longer-than-240-bytes.json",
        "10-12-uploader-trailing-dot.json"}) {
    CAPTURE(name);
    const auto e = find_api_error(test::mediawiki_answer(name));
    REQUIRE(e.has_value());
    const auto out = outcome_from_error(*e, "X.png");
    REQUIRE(out.has_value());
    CHECK(out->kind == UploadOutcomeKind::bad_filename);
    CHECK(out->filekey.has_value());  // the bytes were stashed anyway
  }
  for (const char* name : {"10-07-uploader-png-bytes-named-exe-banned-extension.json",
                           "10-13-uploader-plain-text-bytes-extension-not-in-wgfilee.json",
                           "10-16-uploader-empty-file.json"}) {
    CAPTURE(name);
    const auto e = find_api_error(test::mediawiki_answer(name));
    REQUIRE(e.has_value());
    const auto out = outcome_from_error(*e, "X.png");
    REQUIRE(out.has_value());
    CHECK(out->kind == UploadOutcomeKind::file_refused);
  }
  const auto blacklisted = find_api_error(
      test::mediawiki_answer("09-04-uploader-commit-the-stashed-blacklisted-file.json"));
  REQUIRE(blacklisted.has_value());
  const auto out = outcome_from_error(*blacklisted, "Blacklisted stash.png");
  REQUIRE(out.has_value());
  CHECK(out->kind == UploadOutcomeKind::blacklisted);
  CHECK(out->describe().starts_with("File:Blacklisted stash.png is blacklisted: The title"));

  const auto limited = find_api_error(test::mediawiki_answer("17-12-upload-11.json"));
  REQUIRE(limited.has_value());
  CHECK_FALSE(outcome_from_error(*limited, "X.png").has_value());  // stays an error
}

TEST_CASE("no warnings, no outcome; unknown warnings are kept") {
  CHECK_FALSE(outcome_from_warnings(UploadWarnings{}, "A.png").has_value());
  const auto w = parse_upload_warnings(
      json::parse(R"({"large-file":"200 MB","filetype-unwanted-type":["svg"]})").as_object());
  const auto o = outcome_from_warnings(w, "A.png");
  REQUIRE(o.has_value());
  CHECK(o->kind == UploadOutcomeKind::warning);
  CHECK(o->describe() == "upload warnings: large-file,filetype-unwanted-type");
}

TEST_CASE("malformed upload answers are refused with a clear error") {
  for (const char* text :
       {R"([])", R"({})", R"({"upload":[]})", R"({"upload":{}})",
        R"({"upload":{"result":"Maybe"}})", R"({"upload":{"result":"Continue","filekey":"k"}})",
        R"({"upload":{"result":"Success","warnings":"x"}})"}) {
    CAPTURE(text);
    try {
      parse_upload_reply(json::parse(text));
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.code() == "malformed-answer");
      CHECK(e.kind() == ErrorKind::permanent);
    }
  }
  // Wrong member types are ignored rather than trusted.
  const auto r = parse_upload_reply(
      json::parse(R"({"upload":{"result":"Continue","offset":"1024","filekey":"","stage":5}})"));
  CHECK(r.offset == 1024u);
  CHECK_FALSE(r.filekey.has_value());
}

TEST_CASE("upload sessions survive a JSON round trip; bad ones are refused") {
  UploadSession s;
  s.file_name = "A b.jpg";
  s.file_size = 12585988;
  s.sha1 = "d9e5fa7dd20791c5807e0b8aeec9527544ea8d06";
  s.stage = UploadSession::Stage::stashed;
  s.filekey = "1d43zsy5djw8.qd6phc.3.png";
  s.offset = 12585988;
  s.restarts = 1;
  CHECK(upload_session_from_json(json::parse(json::serialize(to_json(s)))) == s);

  for (
      const char* text :
      {R"([])", R"({"file_name":"a","file_size":1,"offset":2,"sha1":"","stage":"sending"})",
       R"({"file_name":"","file_size":1,"offset":0,"sha1":"","stage":"sending"})",
       R"({"file_name":"a","file_size":1,"offset":0,"sha1":"","stage":"flying"})",
       R"({"file_name":"a","file_size":1,"offset":0,"sha1":"","stage":"stashed"})",
       R"({"file_name":"a","file_size":1,"offset":0,"sha1":"","stage":"sending","filekey":7})",
       R"({"file_name":"a","file_size":1,"offset":0,"stage":"sending"})",
       R"({"file_name":"a","file_size":-1,"offset":0,"sha1":"","stage":"sending"})",
       R"({"file_name":"a","file_size":1,"offset":0,"sha1":"","stage":"sending","restarts":-1})"}) {
    CAPTURE(text);
    try {
      upload_session_from_json(json::parse(text));
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::invalid_input);
    }
  }
}
