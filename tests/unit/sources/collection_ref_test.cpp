#include <doctest/doctest.h>

#include <string>

#include "curator/core/error.hpp"
#include "curator/sources/collection_ref.hpp"

using namespace curator;
using namespace curator::sources;

namespace {

std::string rejection(std::string_view handler, std::string_view input) {
  try {
    if (handler == "mapillary") {
      parse_mapillary_input(input);
    } else {
      parse_flickr_input(input);
    }
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK(e.code() == "invalid_collection_input");
    return e.what();
  }
  FAIL("accepted: " << input);
  return {};
}

}  // namespace

TEST_CASE("Mapillary sequence ids and sequence URLs") {
  auto r = parse_mapillary_input("  tuN7sZ0kBdTKw5JjH3qHYD \n");
  CHECK(r.handler == "mapillary");
  CHECK(r.kind == CollectionKind::collection);
  CHECK(r.id == "tuN7sZ0kBdTKw5JjH3qHYD");

  CHECK(parse_mapillary_input("seq-small").id == "seq-small");
  CHECK(parse_mapillary_input("https://www.mapillary.com/app/sequence/abc_DEF-1").id ==
        "abc_DEF-1");
  CHECK(parse_mapillary_input("https://www.mapillary.com/map/s/abc").kind ==
        CollectionKind::collection);
  auto s = parse_mapillary_input("https://www.mapillary.com/app/?lat=1&lng=2&sKey=Seq1&pKey=42");
  CHECK(s.kind == CollectionKind::collection);
  CHECK(s.id == "Seq1");
}

TEST_CASE("Mapillary image URLs with pKey resolve to an image") {
  auto r = parse_mapillary_input("https://www.mapillary.com/app/?pKey=498763468214164&focus=photo");
  CHECK(r.kind == CollectionKind::image);
  CHECK(r.id == "498763468214164");
  // Without a scheme, on a user page, and the legacy image path.
  CHECK(parse_mapillary_input("www.mapillary.com/app/user/alice?pKey=12").id == "12");
  CHECK(parse_mapillary_input("https://mapillary.com/map/im/77").kind == CollectionKind::image);
}

TEST_CASE("Mapillary id lists") {
  auto r = parse_mapillary_input("101, 102 103\n101");
  CHECK(r.kind == CollectionKind::images);
  CHECK(r.ids == std::vector<std::string>{"101", "102", "103"});
}

TEST_CASE("Mapillary inputs that are refused say what is accepted") {
  const auto msg = rejection("mapillary", "https://www.mapillary.com/app/?focus=photo");
  CHECK(msg.find("Accepted") != std::string::npos);
  CHECK(msg.find("pKey") != std::string::npos);
  rejection("mapillary", "");
  rejection("mapillary", "   ");
  rejection("mapillary", "https://example.com/app/?pKey=1");
  rejection("mapillary", "https://www.mapillary.com.evil.example/app/?pKey=1");
  rejection("mapillary", "ftp://www.mapillary.com/app/?pKey=1");
  rejection("mapillary", "https://www.mapillary.com/app/?pKey=1%22%20OR");
  rejection("mapillary", "seq\"; DROP");
  rejection("mapillary", "1, 2, abc");
  rejection("mapillary", std::string(kMaxInputBytes + 1, '1'));
  rejection("mapillary", std::string(65, 'a'));
  rejection("mapillary", "https://");
  rejection("mapillary", std::string("seq\0x", 5));
  std::string many;
  for (std::size_t i = 0; i <= kMaxListedIds; ++i)
    many += std::to_string(i + 1) + ",";
  rejection("mapillary", many);
}

TEST_CASE("Flickr album URLs, old and new") {
  auto a = parse_flickr_input("https://www.flickr.com/photos/someone/albums/72157600000000001");
  CHECK(a.handler == "flickr");
  CHECK(a.kind == CollectionKind::collection);
  CHECK(a.id == "72157600000000001");
  CHECK(a.owner == "someone");
  auto b = parse_flickr_input("http://flickr.com/photos/12345678@N00/sets/721/");
  CHECK(b.id == "721");
  CHECK(b.owner == "12345678@N00");
  auto c = parse_flickr_input("https://www.flickr.com/photos/12345678%40N00/albums/721/with/55");
  CHECK(c.kind == CollectionKind::collection);
  CHECK(c.owner == "12345678@N00");
}

TEST_CASE("Flickr photo, photostream and short links") {
  auto p = parse_flickr_input("https://www.flickr.com/photos/some_one/5100000001/in/album-721/");
  CHECK(p.kind == CollectionKind::image);
  CHECK(p.id == "5100000001");
  CHECK(p.owner == "some_one");
  auto u = parse_flickr_input("https://www.flickr.com/photos/some_one/");
  CHECK(u.kind == CollectionKind::user);
  CHECK(u.owner == "some_one");
  CHECK(parse_flickr_input("https://www.flickr.com/people/12345678@N00/").kind ==
        CollectionKind::user);
  CHECK(parse_flickr_input("https://m.flickr.com/photos/x/page2").kind == CollectionKind::user);
  // flic.kr/p/2 is base-58 "2" = 1; "21" = 1*58 + 0 = 58.
  auto s = parse_flickr_input("https://flic.kr/p/21");
  CHECK(s.kind == CollectionKind::image);
  CHECK(s.id == "58");
}

TEST_CASE("Flickr raw ids") {
  CHECK(parse_flickr_input("72157600000000001").kind == CollectionKind::collection);
  auto u = parse_flickr_input("12345678@N00");
  CHECK(u.kind == CollectionKind::user);
  CHECK(u.owner == "12345678@N00");
  auto l = parse_flickr_input("5100000001,5100000002");
  CHECK(l.kind == CollectionKind::images);
  CHECK(l.ids.size() == 2);
}

TEST_CASE("Flickr inputs that are refused say what is accepted") {
  const auto msg = rejection("flickr", "https://www.flickr.com/groups/foo/");
  CHECK(msg.find("/photos/<user>/albums/<id>") != std::string::npos);
  rejection("flickr", "https://www.flickr.com/photos/someone/albums/");
  rejection("flickr", "https://www.flickr.com/photos/someone/favorites");
  rejection("flickr", "https://www.flickr.com/photos/bad%20user/");
  rejection("flickr", "https://www.mapillary.com/app/?pKey=1");
  rejection("flickr", "https://flic.kr/p/0OIl");  // not in the base-58 alphabet
  rejection("flickr", "https://flic.kr/p/zzzzzzzzzzzz");
  rejection("flickr", "someone");
  rejection("flickr", "1,someone");
  rejection("flickr", "https://www.flickr.com/");
}
