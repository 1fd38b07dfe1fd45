// curatorctl ingest against the source fakes and the test MediaWiki:
// --dry-run shows every file or why it is skipped; queuing creates one
// batch, and running the same command again resumes it instead of adding
// anything twice.
#include <doctest/doctest.h>

#include "cli_world.hpp"
#include "curator/service/batches.hpp"
#include "curator/store/uploads.hpp"

using namespace curator;
using curator::store::test::OnMysql;
using curator::store::test::OnSqlite;
using World = curator::test::CliWorld<OnSqlite>;

namespace {

std::vector<json::object> files_of(const curator::test::CliResult& r) {
  std::vector<json::object> out;
  for (const auto& e : r.events()) {
    if (e.at("event") == "file") out.push_back(e.as_object());
  }
  return out;
}

std::string skip_reason(const json::object& file) {
  if (!file.contains("skip")) return "";
  return std::string(file.at("skip").at("reason").as_string());
}

}  // namespace

TEST_CASE("ingest --dry-run: every file's title, wikitext, caption and SDC; nothing written") {
  World w;
  w.login_uploader();
  const auto r = w.run({"--json", "ingest", "mapillary", "seq-small", "--dry-run", "--caption",
                        "Street in {{location.city}}", "--language", "de", "--category",
                        "Streets in {{location.city}}", "--title",
                        "Berlin {{captured.date}} {{captured.time}} ({{mapillary.photo.id}}).jpg"});
  REQUIRE_MESSAGE(r.exit == 0, r.err);
  const auto files = files_of(r);
  REQUIRE(files.size() == 3);
  const auto& f = files[0];
  CHECK(f.at("position").as_int64() == 1);
  CHECK(f.at("id") == "1000000000000001");
  CHECK(f.at("title") == "Berlin 2017-06-24 10H11M12S (1000000000000001).jpg");
  CHECK(f.at("caption").at("value") == "Street in Berlin");
  CHECK(f.at("caption").at("language") == "de");
  const std::string wikitext(f.at("wikitext").as_string());
  CHECK(wikitext.find("{{Mapillary-source|key=1000000000000001}} Sequence ID: seq-small") !=
        std::string::npos);
  CHECK(wikitext.find("[[Category:Streets in Berlin]]") != std::string::npos);
  CHECK(f.at("sdc").at("claims").as_array().size() >= 8);
  CHECK(f.at("existing").at(0) == "https://commons.wikimedia.org/entity/M100001");
  CHECK(!f.contains("skip"));
  const auto plan = r.event("plan");
  CHECK(plan.at("upload").as_int64() == 3);
  CHECK(plan.at("dry_run") == true);
  CHECK(w.run({"--json", "batches", "--all"}).events().at(0).at("total").as_int64() == 0);

  // Text mode shows the same, readable.
  const auto text = w.run({"ingest", "mapillary", "seq-small", "--dry-run", "--select", "2"});
  REQUIRE(text.exit == 0);
  CHECK(text.out.find("[2] 1000000000000002 → File:Photo from Mapillary 2017-06-24 "
                      "(1000000000000002).jpg") != std::string::npos);
  CHECK(text.out.find("  wikitext:\n    == {{int:filedesc}} ==") != std::string::npos);
  CHECK(text.out.find("seq-small: 1 files, 1 to upload, 0 skipped") != std::string::npos);

  // A dry run needs no login.
  const auto anonymous = w.run_with({{"XDG_CONFIG_HOME", (w.home() / "nobody").string()}},
                                    {"ingest", "mapillary", "seq-small", "--dry-run"});
  CHECK_MESSAGE(anonymous.exit == 0, anonymous.err);
}

TEST_CASE("ingest --dry-run: every skip reason") {
  World w;
  auto run = [&](std::vector<std::string> extra, const std::string& collection = "seq-small",
                 const std::string& handler = "mapillary") {
    std::vector<std::string> args{"--json", "ingest", handler, collection, "--dry-run"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = w.run(args);
    REQUIRE_MESSAGE(r.exit == 0, r.err);
    return files_of(r);
  };
  auto existing = run({"--skip-existing"});
  CHECK(skip_reason(existing[0]) == "already_on_commons");
  CHECK(skip_reason(existing[1]) == "already_on_commons");
  CHECK(skip_reason(existing[2]).empty());

  const auto blacklisted =
      run({"--select", "3", "--title", "Curator Blacklisted {{mapillary.photo.id}}.jpg"});
  REQUIRE(blacklisted.size() == 1);
  CHECK(skip_reason(blacklisted[0]) == "blacklisted_title");
  CHECK(run({"--select", "3", "--no-blacklist-check", "--title",
             "Curator Blacklisted {{mapillary.photo.id}}.jpg"})[0]
            .contains("skip") == false);

  const auto same = run({"--title", "Same {{captured.date}}.jpg"});
  CHECK(skip_reason(same[0]).empty());
  CHECK(skip_reason(same[1]) == "duplicate_title");
  CHECK(skip_reason(same[2]) == "duplicate_title");

  const auto invalid = run({"--title", "A|B {{mapillary.photo.id}}.jpg"});
  CHECK(skip_reason(invalid[0]) == "invalid_title");
  const auto no_county = run({"--title", "{{location.county}} {{mapillary.photo.id}}.jpg"});
  CHECK(skip_reason(no_county[0]) == "invalid_title");
  CHECK(std::string(no_county[0].at("skip").at("detail").as_string())
            .find("no value for {{location.county}}") != std::string::npos);
  const auto no_extension = run({"--title", "{{mapillary.photo.id}}"});
  CHECK(skip_reason(no_extension[0]) == "invalid_title");

  const auto flickr = run({}, "72157600000000001", "flickr");
  bool saw_refused = false, saw_free = false;
  for (const auto& f : flickr) {
    if (f.at("id") == "51000000001") {
      saw_refused = true;
      CHECK(skip_reason(f) == "not_uploadable");
      CHECK(std::string(f.at("skip").at("detail").as_string()).find("not freely licensed") !=
            std::string::npos);
    }
    if (f.at("id") == "51000000005") {
      saw_free = true;
      CHECK(skip_reason(f).empty());
      CHECK(std::string(f.at("wikitext").as_string()).find("{{cc-by-2.0}}") != std::string::npos);
    }
  }
  CHECK(saw_refused);
  CHECK(saw_free);
}

TEST_CASE("ingest: bad input on every flag, missing tokens and failing sources") {
  World w;
  w.login_uploader();
  const std::string wikitext_file = (w.home() / "page.txt").string();
  {
    std::ofstream out(wikitext_file);
    out << "Photo {{mapillary.photo.id}}\n";
  }
  const std::vector<std::vector<std::string>> bad = {
      {"--select", "4"},
      {"--select", "0"},
      {"--select", "3-1"},
      {"--select", "nonsense"},
      {"--select", ""},
      {"--select", "1,,2"},
      {"--language", "EN!"},
      {"--language", "de"},  // without a caption
      {"--caption", "x", "--language", ""},
      {"--title", ""},
      {"--license", " "},
      {"--category", ""},
      {"--wikitext-file", (w.home() / "missing.txt").string()},
      {"--wikitext-file", wikitext_file, "--license", "{{cc-zero}}"},
      {"--wikitext-file", wikitext_file, "--exclude-date-category"},
      {"--preset", "nonexistent"},
      {"--preset", "x", "--no-preset"},
  };
  for (const auto& extra : bad) {
    std::vector<std::string> args{"ingest", "mapillary", "seq-small", "--dry-run"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = w.run(args);
    CHECK_MESSAGE(r.exit == 2,
                  extra[0] << " " << (extra.size() > 1 ? extra[1] : "") << ": " << r.err);
  }
  {
    std::ofstream out(wikitext_file, std::ios::trunc);
    out << std::string(70000, 'x');
  }
  CHECK(w.run({"ingest", "mapillary", "seq-small", "--dry-run", "--wikitext-file", wikitext_file})
            .exit == 2);

  // Collections that are not one, or do not exist.
  CHECK(w.run({"ingest", "mapillary", "https://mapillary.com.evil.example/app/sequence/x",
               "--dry-run"})
            .exit == 2);
  CHECK(w.run({"ingest", "flickr", "not a flickr url", "--dry-run"}).exit == 2);
  const auto unknown = w.run({"ingest", "mapillary", "seq-nope", "--dry-run"});
  CHECK(unknown.exit == 2);
  CHECK(!unknown.err.empty());

  // Missing source tokens and credentials are authentication errors.
  const auto no_token = w.run_with({{"CURATOR_MAPILLARY_TOKEN", ""}},
                                   {"ingest", "mapillary", "seq-small", "--dry-run"});
  CHECK(no_token.exit == 3);
  CHECK(no_token.err.find("CURATOR_MAPILLARY_TOKEN") != std::string::npos);
  CHECK(w.run_with({{"CURATOR_FLICKR_API_KEY", ""}},
                   {"ingest", "flickr", "72157600000000001", "--dry-run"})
            .exit == 3);
  CHECK(w.run_with({{"CURATOR_MAPILLARY_TOKEN", "MLY|1|wrong"}},
                   {"ingest", "mapillary", "seq-small", "--dry-run"})
            .exit == 3);
  const auto logged_out = w.run_with({{"XDG_CONFIG_HOME", (w.home() / "nobody").string()}},
                                     {"ingest", "mapillary", "seq-small", "--no-wait"});
  CHECK(logged_out.exit == 3);

  // A source that answers with a client error fails the command (exit 4).
  w.fakes().control("POST", "/_control/faults", R"({"path_prefix": "/mapillary/", "status": 400})");
  const auto broken = w.run({"ingest", "mapillary", "seq-small", "--dry-run"});
  CHECK(broken.exit == 4);
  CHECK(broken.err.find("Mapillary") != std::string::npos);
}

TEST_CASE_TEMPLATE("ingest --no-wait queues one batch; the same command resumes it", B, OnSqlite,
                   OnMysql) {
  curator::test::CliWorld<B> w;
  REQUIRE(w.run({"migrate"}).exit == 0);
  w.login_uploader();
  REQUIRE(w.run({"presets", "save", "--name", "Streets", "--default", "--title",
                 "{{location.city}} {{captured.time}} ({{mapillary.photo.id}}).jpg", "--caption",
                 "Street in {{location.city}}"})
              .exit == 0);

  const auto first =
      w.run({"--json", "ingest", "mapillary", "seq-small", "--no-wait", "--select", "1-2"});
  REQUIRE_MESSAGE(first.exit == 0, first.err);
  const auto queued = first.event("queued");
  const auto batch_id = queued.at("batch").as_int64();
  CHECK(queued.at("uploads").as_int64() == 2);
  service::BatchService batches(w.db());
  auto detail = batches.show(batch_id);
  REQUIRE(detail.uploads.size() == 2);
  CHECK(detail.uploads[0].filename == "Berlin 10H11M12S (1000000000000001).jpg");
  CHECK(detail.uploads[0].collection == "seq-small");
  CHECK(detail.uploads[0].labels == Label{"en", "Street in Berlin"});
  CHECK(detail.uploads[0].wikitext.find("Sequence ID: seq-small") != std::string::npos);
  CHECK(detail.uploads[0].access_token->rfind("gAAAAA", 0) == 0);
  CHECK(!detail.uploads[0].copyright_override);

  // The same command again: nothing is added twice; the open batch is resumed.
  const auto again =
      w.run({"--json", "ingest", "mapillary", "seq-small", "--no-wait", "--select", "1-2"});
  REQUIRE_MESSAGE(again.exit == 0, again.err);
  CHECK(again.event("plan").at("resume_batch").as_int64() == batch_id);
  CHECK(again.event("plan").at("upload").as_int64() == 0);
  CHECK(batches.show(batch_id).uploads.size() == 2);
  CHECK(batches.list({1, 100}).total == 1);

  // The whole sequence: only the new file joins the open batch.
  const auto whole = w.run({"--json", "ingest", "mapillary", "seq-small", "--no-wait"});
  REQUIRE_MESSAGE(whole.exit == 0, whole.err);
  CHECK(whole.event("queued").at("batch").as_int64() == batch_id);
  CHECK(whole.event("queued").at("uploads").as_int64() == 1);
  detail = batches.show(batch_id);
  CHECK(detail.uploads.size() == 3);

  // Once done, a rerun finds nothing to upload; a failed one is tried again.
  store::UploadRepository uploads(w.db());
  REQUIRE(uploads.transition(detail.uploads[0].id, UploadStatus::queued, UploadStatus::completed));
  REQUIRE(uploads.transition(detail.uploads[1].id, UploadStatus::queued,
                             UploadStatus::duplicated_sdc_updated));
  REQUIRE(uploads.transition(detail.uploads[2].id, UploadStatus::queued, UploadStatus::failed));
  const auto rerun = w.run({"--json", "ingest", "mapillary", "seq-small", "--no-wait"});
  REQUIRE_MESSAGE(rerun.exit == 0, rerun.err);
  const auto next = rerun.event("queued");
  CHECK(next.at("batch").as_int64() != batch_id);
  CHECK(next.at("uploads").as_int64() == 1);
  CHECK(batches.show(next.at("batch").as_int64()).uploads.at(0).key == "1000000000000003");
  const auto skipped = rerun.events();
  std::size_t already = 0;
  for (const auto& e : skipped) {
    if (e.at("event") == "skipped" && e.at("reason") == "already_uploaded") ++already;
  }
  CHECK(already == 2);

  // A license override is stored as copyright_override.
  const auto override = w.run({"--json", "ingest", "mapillary", "seq-edge", "--no-wait", "--select",
                               "1", "--license", "{{cc-zero}}", "--no-preset"});
  REQUIRE_MESSAGE(override.exit == 0, override.err);
  const auto edge = batches.show(override.event("queued").at("batch").as_int64());
  CHECK(edge.uploads.at(0).copyright_override);
  CHECK(edge.uploads.at(0).wikitext.find("{{cc-zero}}") != std::string::npos);
  CHECK(edge.uploads.at(0).wikitext.find("{{Pano360}}") != std::string::npos);
}
