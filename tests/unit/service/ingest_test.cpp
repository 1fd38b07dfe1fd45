// Ingest planning: titles, wikitext, captions and SDC from a FileSpec, every
// skip reason, selections, presets as specs; and the wire codecs.
#include "curator/service/ingest.hpp"

#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/service/wire.hpp"

using namespace curator;
using namespace curator::service;

namespace {

MediaImage image(std::string id, int second) {
  MediaImage m;
  m.id = id;
  m.taken = parse_utc("2017-06-24T10:11:" + std::to_string(10 + second) + ".345Z");
  m.title = "Photo from Mapillary 2017-06-24 (" + id + ").jpg";
  m.creator = {"100001", "alice_mly", "https://www.mapillary.com/app/user/alice_mly"};
  GeoLocation loc;
  loc.latitude = 52.52;
  loc.longitude = 13.405;
  loc.compass_angle = 10.5;
  loc.city = "Berlin";
  m.location = loc;
  m.urls.url = "https://www.mapillary.com/app/?pKey=" + id + "&focus=photo";
  m.width = 640;
  m.height = 480;
  return m;
}

std::vector<MediaImage> three() {
  return {image("1000000000000001", 2), image("1000000000000002", 4), image("1000000000000003", 6)};
}

PlanInput mapillary_input() {
  PlanInput in;
  in.handler = Handler::mapillary;
  in.collection = "seq-small";
  return in;
}

std::string error_text(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    return e.what();
  }
  FAIL("no error");
  return {};
}

}  // namespace

TEST_CASE("plan: the default title, wikitext and SDC of each image") {
  const auto files = plan_files(three(), mapillary_input());
  REQUIRE(files.size() == 3);
  const auto& f = files[0];
  CHECK(f.position == 1);
  CHECK(f.title == "Photo from Mapillary 2017-06-24 (1000000000000001).jpg");
  CHECK(!f.skip);
  CHECK(f.wikitext.find("{{Mapillary-source|key=1000000000000001}} Sequence ID: seq-small") !=
        std::string::npos);
  CHECK(f.wikitext.find("{{cc-by-sa-4.0}}") != std::string::npos);
  CHECK(f.wikitext.find("[[Category:Images from Mapillary uploaded with Curator]]") !=
        std::string::npos);
  CHECK(!f.caption);
  CHECK(!f.copyright_override);
  REQUIRE(f.sdc.has_value());
  const auto sdc = json::serialize(*f.sdc);
  CHECK(sdc.find("\"P1947\"") != std::string::npos);
  CHECK(sdc.find("\"P275\"") != std::string::npos);
  CHECK(files[2].position == 3);
}

TEST_CASE("plan: templates, categories, caption and a license override") {
  auto in = mapillary_input();
  in.spec.title_template =
      "{{ location.city }} {{captured.date}} {{captured.time}} "
      "({{mapillary.photo.id}}).jpg";
  in.spec.categories = {"Streets in {{location.city}}", "[[Category:Roads|sort]]", "  "};
  in.spec.caption = Label{"de", "Straße in {{location.city}}, {{unknown.path}}"};
  in.spec.license = "{{cc-zero}}";
  in.spec.exclude_date_category = true;
  const auto files = plan_files(three(), in);
  const auto& f = files[1];
  CHECK(f.title == "Berlin 2017-06-24 10H11M14S (1000000000000002).jpg");
  CHECK(f.wikitext.find("[[Category:Streets in Berlin]]\n") != std::string::npos);
  CHECK(f.wikitext.find("[[Category:Roads|sort]]\n") != std::string::npos);
  CHECK(f.wikitext.find("{{cc-zero}}") != std::string::npos);
  CHECK(f.wikitext.find("{{cc-by-sa-4.0}}") == std::string::npos);
  CHECK(f.wikitext.find("{{Taken on|cat=no|2017-06-24T10:11:14Z}}") != std::string::npos);
  REQUIRE(f.caption.has_value());
  CHECK(f.caption->language == "de");
  CHECK(f.caption->value == "Straße in Berlin, {{unknown.path}}");
  CHECK(f.copyright_override);
  const auto sdc = json::serialize(*f.sdc);
  CHECK(sdc.find("\"P275\"") == std::string::npos);  // the override drops the license claim
  CHECK(sdc.find("Straße in Berlin") != std::string::npos);

  const auto upload = to_new_upload(f, "seq-small");
  CHECK(upload.key == "1000000000000002");
  CHECK(upload.collection == "seq-small");
  CHECK(upload.filename == f.title);
  CHECK(upload.labels == f.caption);
  CHECK(upload.copyright_override);
}

TEST_CASE("plan: a wikitext template is the whole page, categories appended once") {
  auto in = mapillary_input();
  in.spec.wikitext_template =
      "Photo {{mapillary.photo.id}} by {{mapillary.user.username}}\n"
      "[[Category:Berlin]]";
  in.spec.categories = {"{{location.city}}", "Extra"};
  const auto f = plan_files(three(), in).at(0);
  CHECK(f.wikitext ==
        "Photo 1000000000000001 by alice_mly\n[[Category:Berlin]]\n[[Category:Extra]]\n");
}

TEST_CASE("plan: every skip reason") {
  auto images = three();
  images.push_back(image("1000000000000004", 8));
  images.push_back(image("1000000000000005", 9));
  images[1].existing.push_back({"https://commons.wikimedia.org/entity/M100002"});
  auto in = mapillary_input();
  in.spec.title_template = "{{location.city}} {{mapillary.photo.id}}.jpg";
  in.skip_existing = true;
  in.refusals["1000000000000001"] = "not freely licensed: All Rights Reserved";
  in.uploaded["1000000000000003"] = "completed in batch 7";
  images[3].location->city.reset();   // no city: the placeholder stays
  images[4].id = "1000000000000002";  // same title as #2, which is skipped; #5 is not
  std::vector<std::string> asked;
  in.blacklist = [&](const std::vector<std::string>& titles) {
    std::map<std::string, std::string> refused;
    for (const auto& title : titles) {
      asked.push_back(title);
      if (title.find("Berlin") != std::string::npos) refused[title] = "Berlin is not allowed here";
    }
    return refused;
  };
  const auto files = plan_files(images, in);
  REQUIRE(files.size() == 5);
  CHECK(files[0].skip == SkipReason::not_uploadable);
  CHECK(files[0].skip_detail == "not freely licensed: All Rights Reserved");
  CHECK(files[1].skip == SkipReason::already_on_commons);
  CHECK(files[1].skip_detail == "https://commons.wikimedia.org/entity/M100002");
  CHECK(files[2].skip == SkipReason::already_uploaded);
  CHECK(files[2].skip_detail == "completed in batch 7");
  CHECK(files[3].skip == SkipReason::invalid_title);
  CHECK(files[3].skip_detail.find("no value for {{location.city}}") != std::string::npos);
  CHECK(files[4].skip == SkipReason::blacklisted_title);
  CHECK(files[4].skip_detail == "Berlin is not allowed here");
  // Only files without another reason reach the wiki.
  CHECK(asked == std::vector<std::string>{"File:Berlin 1000000000000002.jpg"});

  // Two files with one title: the second is skipped.
  auto dup = mapillary_input();
  dup.spec.title_template = "Same {{captured.date}}.jpg";
  const auto same = plan_files(three(), dup);
  CHECK(!same[0].skip);
  CHECK(same[1].skip == SkipReason::duplicate_title);
  CHECK(same[1].skip_detail == "same title as file 1 (1000000000000001)");
  CHECK(same[2].skip == SkipReason::duplicate_title);

  // Titles MediaWiki refuses.
  for (const char* bad : {"A|B.jpg", "no extension", "x.exe", "~~~.jpg", ".jpg"}) {
    auto t = mapillary_input();
    t.spec.title_template = bad;
    const auto f = plan_files({image("1", 1)}, t).at(0);
    CHECK_MESSAGE(f.skip == SkipReason::invalid_title, bad);
  }
  auto longer = mapillary_input();
  longer.spec.title_template = std::string(300, 'a') + ".jpg";
  CHECK(plan_files({image("1", 1)}, longer).at(0).skip_detail.find("too_long") !=
        std::string::npos);
}

TEST_CASE("plan: Flickr photos under a license Commons refuses are skipped") {
  auto photo = image("51000000001", 1);
  photo.license = "0";
  photo.location.reset();
  auto free_photo = image("51000000005", 2);
  free_photo.license = "4";
  PlanInput in;
  in.handler = Handler::flickr;
  in.collection = "72157600000000001";
  const auto files = plan_files({photo, free_photo}, in);
  CHECK(files[0].skip == SkipReason::not_uploadable);
  CHECK(!files[1].skip);
  CHECK(files[1].wikitext.find("{{cc-by-2.0}}") != std::string::npos);
  REQUIRE(files[1].sdc.has_value());
  CHECK(json::serialize(*files[1].sdc).find("\"P12120\"") != std::string::npos);
}

TEST_CASE("selection: positions, ranges and ids") {
  const auto images = three();
  CHECK(parse_selection("1", images) == std::vector<std::size_t>{0});
  CHECK(parse_selection("3,1", images) == std::vector<std::size_t>{0, 2});
  CHECK(parse_selection("2-3", images) == std::vector<std::size_t>{1, 2});
  CHECK(parse_selection("2-", images) == std::vector<std::size_t>{1, 2});
  CHECK(parse_selection("-2", images) == std::vector<std::size_t>{0, 1});
  CHECK(parse_selection(" 1000000000000003 , 1 ", images) == std::vector<std::size_t>{0, 2});
  CHECK(parse_selection("1-3,2", images) == std::vector<std::size_t>{0, 1, 2});

  CHECK(error_text([&] { parse_selection("", images); }).find("empty") != std::string::npos);
  CHECK(error_text([&] { parse_selection("1,,2", images); }).find("empty item") !=
        std::string::npos);
  CHECK(error_text([&] { parse_selection("4", images); }).find("'4'") != std::string::npos);
  CHECK(error_text([&] { parse_selection("0", images); }).find("'0'") != std::string::npos);
  CHECK(error_text([&] { parse_selection("3-1", images); }).find("reversed") != std::string::npos);
  CHECK(error_text([&] { parse_selection("1-9", images); }).find("outside") != std::string::npos);
  CHECK(error_text([&] { parse_selection("a-b", images); }).find("'a-b'") != std::string::npos);
  CHECK(error_text([&] { parse_selection("99999999999999999999999", images); }).find("neither") !=
        std::string::npos);
  CHECK(error_text([&] { parse_selection("1;2", images); }).find("'1;2'") != std::string::npos);

  auto in = mapillary_input();
  in.selection = std::vector<std::size_t>{2};
  const auto files = plan_files(images, in);
  REQUIRE(files.size() == 1);
  CHECK(files[0].position == 3);
  in.selection = std::vector<std::size_t>{7};
  CHECK(error_text([&] { plan_files(images, in); }).find("outside") != std::string::npos);
}

TEST_CASE("presets become specs; categories one per line") {
  store::Preset p;
  p.title = "Streets";
  p.title_template = "{{location.city}}.jpg";
  p.labels = Label{"en", "Street"};
  p.categories = " Streets \r\n\n[[Category:Roads]]\n";
  p.exclude_from_date_category = true;
  const auto spec = file_spec_from_preset(p);
  CHECK(spec.title_template == "{{location.city}}.jpg");
  CHECK(spec.caption == Label{"en", "Street"});
  CHECK(spec.categories == std::vector<std::string>{"Streets", "[[Category:Roads]]"});
  CHECK(spec.exclude_date_category);
  CHECK(spec.license.empty());
  p.labels = Label{"en", "  "};
  CHECK(!file_spec_from_preset(p).caption);
}

TEST_CASE("wire: rows as the frontend reads them, nulls omitted, no token") {
  store::UploadRequest u;
  u.id = 5;
  u.batchid = 2;
  u.userid = "1";
  u.status = UploadStatus::failed;
  u.key = "k";
  u.handler = "mapillary";
  u.filename = "F.jpg";
  u.wikitext = "w";
  u.access_token = "secret-token";
  u.error = StructuredError::generic("boom");
  u.created_at = parse_utc("2026-05-01T12:00:00Z");
  u.updated_at = parse_utc("2026-05-01T12:00:05Z");
  const auto item = json::serialize(batch_upload_item(u));
  CHECK(item.find("secret-token") == std::string::npos);
  CHECK(item.find("\"created_at\":\"2026-05-01T12:00:00Z\"") != std::string::npos);
  CHECK(item.find("\"image_id\":\"k\"") != std::string::npos);
  CHECK(item.find("\"error\":{") != std::string::npos);
  CHECK(item.find("success") == std::string::npos);
  CHECK(item.find("labels") == std::string::npos);

  u.handler.clear();
  const auto update = upload_update_item(u);
  CHECK(update.at("handler").as_string() == "unknown");
  CHECK(update.size() == 6);

  store::BatchSummary s;
  s.batch.id = 3;
  s.batch.userid = "1";
  s.username = "Alice";
  s.stats.total = 4;
  s.stats.duplicate = 1;
  const auto batch = to_json(s);
  CHECK(!batch.contains("edit_group_id"));
  CHECK(batch.at("stats").as_object().size() == 7);
  CHECK(batch.at("stats").at("duplicate").as_int64() == 1);
  CHECK(batch.at("username").as_string() == "Alice");

  store::Preset p;
  p.id = 9;
  p.handler = "flickr";
  const auto preset = to_json(p);
  CHECK(!preset.contains("labels"));
  CHECK(!preset.contains("categories"));
  CHECK(preset.at("is_default").as_bool() == false);
}

TEST_CASE("plan: the blacklist is asked once, about every file still to upload") {
  int calls = 0;
  std::vector<std::string> asked;
  auto in = mapillary_input();
  in.uploaded["1000000000000002"] = "completed in batch 1";
  in.blacklist = [&](const std::vector<std::string>& titles) {
    ++calls;
    asked = titles;
    // An answer about a title that was not asked changes nothing.
    return std::map<std::string, std::string>{{"File:Unrelated.jpg", "no"}};
  };
  const auto files = plan_files(three(), in);
  CHECK(calls == 1);
  CHECK(asked == std::vector<std::string>{"File:Photo from Mapillary 2017-06-24 "
                                          "(1000000000000001).jpg",
                                          "File:Photo from Mapillary 2017-06-24 "
                                          "(1000000000000003).jpg"});
  CHECK(!files[0].skip);
  CHECK(files[1].skip == SkipReason::already_uploaded);
  CHECK(!files[2].skip);

  in.uploaded = {{"1000000000000001", "x"}, {"1000000000000002", "x"}, {"1000000000000003", "x"}};
  calls = 0;
  plan_files(three(), in);
  CHECK(calls == 0);  // nothing left to ask about
}
