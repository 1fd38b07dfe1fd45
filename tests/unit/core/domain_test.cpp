#include <doctest/doctest.h>

#include "curator/core/credentials.hpp"
#include "curator/core/error.hpp"
#include "curator/core/label.hpp"
#include "curator/core/media_image.hpp"
#include "curator/core/structured_error.hpp"
#include "curator/core/upload_status.hpp"

using namespace curator;

TEST_CASE("labels round-trip and refuse wrong types") {
  const Label l{"en", "A \"quoted\" caption"};
  CHECK(label_from_json(to_json(l)) == l);
  CHECK_THROWS_AS(label_from_json(json::parse(R"({"language":"en"})")), Error);
  CHECK_THROWS_AS(label_from_json(json::parse(R"({"language":1,"value":"x"})")), Error);
  CHECK_THROWS_AS(label_from_json(json::parse(R"(["en","x"])")), Error);
}

TEST_CASE("structured errors: the five shapes") {
  StructuredError dup{StructuredErrorType::duplicated_sdc_updated,
                      "File X already exists",
                      {{"File:Y.jpg", "https://commons.wikimedia.org/wiki/File:Y.jpg"}}};
  const auto v = to_json(dup);
  CHECK(
      json::serialize(v) ==
      R"({"type":"duplicated_sdc_updated","message":"File X already exists","links":[{"title":"File:Y.jpg","url":"https://commons.wikimedia.org/wiki/File:Y.jpg"}]})");
  CHECK(structured_error_from_json(v) == dup);

  const auto generic = StructuredError::generic("boom");
  CHECK(json::serialize(to_json(generic)) == R"({"type":"error","message":"boom"})");
  const StructuredError bl{StructuredErrorType::title_blacklisted, "reason", {}};
  CHECK(structured_error_from_json(to_json(bl)) == bl);
}

TEST_CASE("a stored error without type reads as a generic error; non-objects as none") {
  const auto e =
      structured_error_from_json(json::parse(R"({"message":"Manually marked as failed"})"));
  REQUIRE(e.has_value());
  CHECK(e->type == StructuredErrorType::error);
  CHECK(e->message == "Manually marked as failed");
  CHECK_FALSE(structured_error_from_json(json::parse("[1]")).has_value());
  CHECK_FALSE(structured_error_from_json(json::parse("\"x\"")).has_value());
  CHECK_FALSE(structured_error_from_json(json::parse(R"({"type":"error"})")).has_value());
  const auto unknown = structured_error_from_json(json::parse(R"({"type":"weird","message":"m"})"));
  REQUIRE(unknown.has_value());
  CHECK(unknown->type == StructuredErrorType::error);
}

TEST_CASE("upload statuses") {
  CHECK(parse_upload_status("duplicated_sdc_not_updated") ==
        UploadStatus::duplicated_sdc_not_updated);
  CHECK_FALSE(parse_upload_status("QUEUED").has_value());
  CHECK_FALSE(is_terminal(UploadStatus::queued));
  CHECK_FALSE(is_terminal(UploadStatus::in_progress));
  CHECK(is_terminal(UploadStatus::cancelled));
  CHECK(is_terminal(UploadStatus::completed));
  CHECK(is_duplicate(UploadStatus::duplicate));
  CHECK_FALSE(is_duplicate(UploadStatus::failed));
  for (auto s :
       {UploadStatus::queued, UploadStatus::in_progress, UploadStatus::completed,
        UploadStatus::failed, UploadStatus::duplicate, UploadStatus::duplicated_sdc_updated,
        UploadStatus::duplicated_sdc_not_updated, UploadStatus::cancelled}) {
    CHECK(parse_upload_status(to_string(s)) == s);
  }
}

TEST_CASE("credentials: Python's [key, secret] and our typed objects") {
  const auto oauth1 = credentials_from_json(json::parse(R"(["abc123", "def456"])"));
  CHECK(oauth1 == Credentials{OAuth1Token{"abc123", "def456"}});
  CHECK(json::serialize(to_json(oauth1)) == R"(["abc123","def456"])");
  const Credentials bot = BotPassword{"Bot@app", "s3cret"};
  CHECK(credentials_from_json(to_json(bot)) == bot);
  const Credentials o2 = OAuth2Token{"tok"};
  CHECK(credentials_from_json(to_json(o2)) == o2);
  CHECK(describe(bot) == "bot password for Bot@app");
  CHECK(describe(oauth1).find("abc123") == std::string::npos);
}

TEST_CASE("malformed credentials are refused without echoing secrets") {
  for (const char* bad : {R"(["only-one"])", R"(["a", 2])", R"(["", "x"])", R"({"type":"oauth2"})",
                          R"({"type":"magic","token":"hunter2"})", R"("hunter2")",
                          R"({"username":"u","password":"hunter2"})"}) {
    CAPTURE(bad);
    try {
      credentials_from_json(json::parse(bad));
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::invalid_input);
      CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
      CHECK(std::string(e.what()).find("malformed credentials") == 0);
    }
  }
}

TEST_CASE("MediaImage: wire shape with optional fields omitted") {
  MediaImage m;
  m.id = "123";
  m.title = "Photo from Mapillary 2026-01-02 (123).jpg";
  m.taken = parse_utc("2026-01-02T03:04:05.678Z");
  m.creator = {"9", "alice", "https://www.mapillary.com/app/user/alice"};
  m.location = GeoLocation{51.5, -0.12, 90.0, std::nullopt, "London", {}, {}, "UK", "gb", {}};
  m.urls = {"https://www.mapillary.com/app/?pKey=123&focus=photo", "o", "p", "t"};
  m.width = 4000;
  m.height = 3000;
  m.camera = {"GoPro", std::nullopt, true};
  const auto v = to_json(m);
  const auto& o = v.as_object();
  CHECK(o.at("dates").at("taken") == "2026-01-02T03:04:05+00:00");
  CHECK_FALSE(o.contains("description"));
  CHECK_FALSE(o.contains("license"));
  CHECK(o.at("tags").as_array().empty());
  CHECK_FALSE(o.at("camera").as_object().contains("model"));
  CHECK(o.at("location").at("compass_angle").as_double() == 90.0);
  CHECK_FALSE(o.at("location").as_object().contains("county"));

  auto back = media_image_from_json(v);
  CHECK(back.taken == parse_utc("2026-01-02T03:04:05Z"));
  m.taken = back.taken;
  CHECK(back == m);
}

TEST_CASE("MediaImage from hostile JSON: clear errors") {
  CHECK_THROWS_WITH_AS(media_image_from_json(json::parse(R"({"id":1})")),
                       "field 'id' must be a string", Error);
  CHECK_THROWS_AS(
      media_image_from_json(json::parse(
          R"({"id":"1","title":"t","dates":{"taken":"yesterday"},"creator":{},"urls":{}})")),
      Error);
  CHECK_THROWS_AS(
      media_image_from_json(json::parse(
          R"({"id":"1","title":"t","dates":{"taken":"2026-01-01"},"creator":{},"urls":{},"dimensions":{"width":-5}})")),
      Error);
  CHECK_THROWS_AS(
      media_image_from_json(json::parse(
          R"({"id":"1","title":"t","dates":{"taken":"2026-01-01"},"creator":{},"urls":{},"tags":[1]})")),
      Error);
}
