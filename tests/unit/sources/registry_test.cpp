#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/sources/flickr.hpp"
#include "curator/sources/mapillary.hpp"
#include "curator/sources/registry.hpp"

using namespace curator;
using namespace curator::sources;

namespace {

// A third source, to show that adding one needs only a registration.
class StaticSource final : public Source {
 public:
  std::string_view name() const override { return "static"; }
  CollectionRef parse_input(std::string_view input) const override {
    return CollectionRef{"static", CollectionKind::collection, std::string(input), {}, {}};
  }
  using Source::list_collection;
  Collection list_collection(const CollectionRef& ref, const ListOptions&) override {
    Collection c;
    c.id = ref.id;
    MediaImage m;
    m.id = "1";
    c.images.push_back(m);
    return c;
  }
  std::vector<std::string> list_ids(const CollectionRef&) override { return {"1"}; }
  Collection fetch_batch(const std::vector<std::string>&) override { return {}; }
  MediaImage fetch_image(std::string_view id) override {
    MediaImage m;
    m.id = std::string(id);
    return m;
  }
  std::map<std::string, std::vector<ExistingFile>> find_existing(
      const std::vector<std::string>&) override {
    return {};
  }
  std::optional<std::string> refusal(const MediaImage& image) const override {
    if (image.id == "bad") return "not freely licensed: test";
    return std::nullopt;
  }
  std::size_t requests_sent() const override { return 0; }
};

}  // namespace

TEST_CASE("the built-in registry knows mapillary and flickr") {
  const auto registry = SourceRegistry::with_builtin_sources();
  CHECK(registry.names() == std::vector<std::string>{"mapillary", "flickr"});
  CHECK(registry.contains("flickr"));
  CHECK_FALSE(registry.contains("Flickr"));
  CHECK(registry.parse("mapillary", "seq-1").kind == CollectionKind::collection);
  CHECK(registry.parse("flickr", "https://www.flickr.com/photos/u/").kind == CollectionKind::user);
  SourceContext context;  // no geocoder, no finder: creation needs no network
  context.config = Config::load(Environment{});
  const auto m = registry.create("mapillary", context);
  CHECK(m->name() == "mapillary");
  CHECK(m->requests_sent() == 0);
  CHECK(registry.create("flickr", context)->name() == "flickr");
}

TEST_CASE("unknown handlers are refused, naming the known ones") {
  const auto registry = SourceRegistry::with_builtin_sources();
  try {
    registry.create("picasa\n", SourceContext{});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK(std::string(e.what()) == "unknown source 'picasa?' (known: mapillary, flickr)");
  }
  CHECK_THROWS_AS(registry.parse("", "x"), Error);
}

TEST_CASE("a third source registers without touching the others") {
  auto registry = SourceRegistry::with_builtin_sources();
  registry.add(
      "static", [](std::string_view input) { return StaticSource().parse_input(input); },
      [](const SourceContext&) { return std::make_unique<StaticSource>(); });
  auto s = registry.create("static", SourceContext{});
  CHECK(s->list_collection(registry.parse("static", "c1")).id == "c1");
  MediaImage bad;
  bad.id = "bad";
  try {
    s->ensure_uploadable(bad);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == "not_uploadable");
    CHECK(std::string(e.what()) == "static image bad is not freely licensed: test");
  }
  try {
    registry.add(
        "flickr", [](std::string_view) { return CollectionRef{}; },
        [](const SourceContext&) { return std::make_unique<StaticSource>(); });
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::conflict);
  }
  CHECK_THROWS_AS(registry.add("x", {}, {}), Error);
}

namespace {

MapillaryOptions mapillary_options() {
  MapillaryOptions m;
  m.contact_url = "https://example.org/tests";
  return m;
}

FlickrOptions flickr_options() {
  FlickrOptions f;
  f.contact_url = "https://example.org/tests";
  return f;
}

}  // namespace

TEST_CASE("Flickr refuses non-free images by license; Mapillary refuses nothing") {
  FlickrSource flickr(flickr_options());
  MapillarySource mapillary(mapillary_options());
  MediaImage img;
  img.id = "5";
  img.license = "0";
  CHECK(flickr.refusal(img) == "not freely licensed: All Rights Reserved (Flickr license 0)");
  CHECK_THROWS_AS(flickr.ensure_uploadable(img), Error);
  CHECK_FALSE(mapillary.refusal(img));
  img.license = "12";
  CHECK_NOTHROW(flickr.ensure_uploadable(img));
  img.license.reset();
  CHECK(flickr.refusal(img));
}

TEST_CASE("sources refuse bad options and bad ids before any request") {
  auto m = mapillary_options();
  m.ids_per_request = 101;
  CHECK_THROWS_AS(MapillarySource{m}, Error);
  m.ids_per_request = 0;
  CHECK_THROWS_AS(MapillarySource{m}, Error);
  m = mapillary_options();
  m.api_url.clear();
  CHECK_THROWS_AS(MapillarySource{m}, Error);
  auto f = flickr_options();
  f.api_url.clear();
  CHECK_THROWS_AS(FlickrSource{f}, Error);

  MapillarySource mapillary(mapillary_options());
  FlickrSource flickr(flickr_options());
  for (const std::string& bad :
       std::vector<std::string>{"", "abc", "1 2", "1/../2", std::string(30, '1')}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(mapillary.fetch_image(bad), Error);
    CHECK_THROWS_AS(flickr.fetch_batch({bad}), Error);
  }
  // No token / key: an auth error, still before any request.
  try {
    mapillary.fetch_image("123");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::auth);
  }
  try {
    flickr.fetch_image("123");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::auth);
  }
  CHECK(mapillary.requests_sent() == 0);
  CHECK(flickr.requests_sent() == 0);
  CHECK_THROWS_AS(mapillary.list_ids(parse_flickr_input("https://www.flickr.com/photos/u/")),
                  Error);
}

TEST_CASE("services refuse unusable options") {
  CHECK_THROWS_AS(ReverseGeocoder(GeocoderOptions{}), Error);
  GeocoderOptions g;
  g.url = "http://127.0.0.1:1/reverse";
  g.concurrency = 0;
  CHECK_THROWS_AS(ReverseGeocoder{g}, Error);
  CHECK_THROWS_AS(ExistingFileFinder(ExistingFilesOptions{}), Error);
  ExistingFilesOptions e;
  e.wcqs_url = "http://127.0.0.1:1/sparql";
  e.ids_per_query = 0;
  CHECK_THROWS_AS(ExistingFileFinder{e}, Error);
}
