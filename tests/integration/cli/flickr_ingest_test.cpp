// curatorctl ingest flickr, end to end: a new album on the fake Flickr (new
// photo ids, so the bytes are new to the wiki), uploaded to the test
// MediaWiki through mediawiki_proxy.py (which answers the Wikibase calls).
// The files, their wikitext and their structured data are read back; the
// album's non-free photo is skipped with its reason and uploads nothing.
#include <doctest/doctest.h>

#include "../mediawiki/wiki.hpp"
#include "cli_world.hpp"
#include "curator/mediawiki/titles.hpp"
#include "curator/store/uploads.hpp"

using namespace curator;
using curator::store::test::OnSqlite;

namespace {

struct AlbumPhoto {
  std::string id;
  std::string license;
  long long license_item;  // P275 numeric id, 0 for none
  std::string license_template;
};

/// A new album of franfree's with `photos`, each with a random id.
std::string new_album(curator::test::SourceFakes& fakes, std::vector<AlbumPhoto>& photos) {
  static std::mt19937_64 rng{std::random_device{}()};
  const auto album = "72157" + std::to_string(100000000000ULL + rng() % 800000000000ULL);
  std::string items, ids;
  int minute = 0;
  for (auto& p : photos) {
    p.id = "6" + std::to_string(1000000000ULL + rng() % 8000000000ULL);
    items +=
        (items.empty() ? "" : ",") + std::string(R"({"id":")") + p.id +
        R"(","owner":"11111111@N01","license":")" + p.license +
        R"(","title":"Street corner","datetaken":"2022-04-0)" + std::to_string(1 + minute) +
        R"( 10:20:30","geo":{"latitude":"52.520000","longitude":"13.405000","accuracy":"16"}})";
    ids += (ids.empty() ? "\"" : ",\"") + p.id + "\"";
    ++minute;
  }
  fakes.control("POST", "/_control/data",
                R"({"flickr":{"photos":[)" + items + R"(],"photosets":[{"id":")" + album +
                    R"(","owner":"11111111@N01","title":"CLI test album","photos":[)" + ids +
                    "]}]}}");
  return album;
}

const json::value& main_value(const json::object& statements, const std::string& property) {
  const auto& list = statements.at(property).as_array();
  REQUIRE(list.size() == 1);
  return list[0].at("mainsnak").at("datavalue").at("value");
}

}  // namespace

TEST_CASE("ingest flickr: an album to the wiki with wikitext and SDC; non-free skipped") {
  curator::test::CliWorld<OnSqlite> w(true);
  REQUIRE(w.run({"migrate"}).exit == 0);
  w.login_admin();
  std::vector<AlbumPhoto> photos{{"", "4", 19125117, "{{cc-by-2.0}}"},
                                 {"", "0", 0, ""},  // All Rights Reserved
                                 {"", "9", 6938433, "{{cc-zero}}"}};
  const auto album = new_album(w.fakes(), photos);
  const auto url = "https://www.flickr.com/photos/franfree/albums/" + album;
  const auto title = "Curator Flickr test " + curator::random_hex(8) + " {{flickr.photo.id}}.jpg";

  const auto r = w.run({"--json", "ingest", "flickr", url, "--title", title, "--caption",
                        "Flickr photo {{flickr.photo.id}}", "--category", "Flickr CLI tests"});
  REQUIRE_MESSAGE(r.exit == 0, r.err << r.out);  // a skipped photo is no failure
  const auto skipped = r.event("skipped");
  CHECK(skipped.at("id").as_string() == photos[1].id);
  CHECK(skipped.at("reason") == "not_uploadable");
  CHECK(std::string(skipped.at("detail").as_string())
            .find("not freely licensed: All Rights Reserved (Flickr license 0)") !=
        std::string::npos);
  const auto plan = r.event("plan");
  CHECK(plan.at("files").as_int64() == 3);
  CHECK(plan.at("upload").as_int64() == 2);
  const auto summary = r.event("summary");
  CHECK(summary.at("completed").as_int64() == 2);
  CHECK(summary.at("failed").as_int64() == 0);
  CHECK(summary.at("exit").as_int64() == 0);

  const auto rows = store::UploadRepository(w.db()).list_all({1, 100});
  REQUIRE(rows.size() == 2);  // the non-free photo never became an upload
  auto options = curator::test::wiki_options();
  options.api_url = w.proxy().commons_api();
  auto wiki = curator::test::admin_client(options);
  for (const auto& p : {photos[0], photos[2]}) {
    CAPTURE(p.id);
    const auto row = std::find_if(rows.begin(), rows.end(), [&](auto& u) { return u.key == p.id; });
    REQUIRE(row != rows.end());
    CHECK(row->status == UploadStatus::completed);
    CHECK(row->filename.find(p.id) != std::string::npos);
    const auto file_title = mediawiki::file_title(row->filename);

    // The file and its wikitext.
    const auto info = wiki.image_info(row->filename);
    REQUIRE(info.has_value());
    CHECK(info->mime == "image/jpeg");
    const auto page = wiki.page_text(file_title);
    CHECK(page.content.find(p.license_template) != std::string::npos);
    CHECK(page.content.find("{{flickrreview}}") != std::string::npos);
    CHECK(page.content.find("https://www.flickr.com/photos/franfree/" + p.id) != std::string::npos);
    CHECK(page.content.find("[[Category:Flickr CLI tests]]") != std::string::npos);

    // Its structured data: the Flickr photo id, the licence, the caption.
    const auto entity = wiki.entity_by_title("commonswiki", file_title);
    REQUIRE(entity.state == mediawiki::Entity::State::exists);
    CHECK(main_value(entity.statements, "P12120").as_string() == p.id);
    CHECK(main_value(entity.statements, "P275").at("numeric-id").as_int64() == p.license_item);
    const auto& creator = entity.statements.at("P170").at(0).as_object();
    CHECK(creator.at("mainsnak").at("snaktype") == "somevalue");
    CHECK(creator.at("qualifiers").at("P3267").at(0).at("datavalue").at("value") == "11111111@N01");
    CHECK(entity.statements.contains("P1259"));  // geotagged
    CHECK(entity.labels.at("en") == "Flickr photo " + p.id);
  }
  for (const auto& e : w.proxy().requests("upload")) {
    const auto* name = e.at("params").as_object().if_contains("filename");
    CHECK((name == nullptr || name->as_string().find(photos[1].id) == std::string::npos));
  }

  // The same command again: nothing to upload, the refusal reported again.
  const auto again = w.run({"ingest", "flickr", url, "--title", title});
  CHECK_MESSAGE(again.exit == 0, again.err);
  CHECK(again.out.find("skip [2] " + photos[1].id + ": not_uploadable") != std::string::npos);
  CHECK(again.err.find("Nothing to upload") != std::string::npos);
}

TEST_CASE("ingest flickr: an album of non-free photos only uploads nothing, exit 0") {
  curator::test::CliWorld<OnSqlite> w(true);
  REQUIRE(w.run({"migrate"}).exit == 0);
  w.login_admin();
  std::vector<AlbumPhoto> photos{{"", "2", 0, ""}, {"", "16", 0, ""}};
  const auto album = new_album(w.fakes(), photos);
  const auto r = w.run({"ingest", "flickr", album});
  CHECK_MESSAGE(r.exit == 0, r.err);
  CHECK(r.out.find("2 files, 0 to upload, 2 skipped (2 not_uploadable)") != std::string::npos);
  CHECK(r.err.find("Nothing to upload") != std::string::npos);
  CHECK(store::UploadRepository(w.db()).list_all({1, 100}).empty());
  CHECK(w.proxy().requests("upload").empty());
}
