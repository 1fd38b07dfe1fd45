// Wikibase calls through tests/fakes/mediawiki_proxy.py (MediaInfo entities
// of real File pages of the test wiki, Wikidata items), including the
// failures that must not duplicate statements.

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "curator/core/error.hpp"
#include "curator/mediawiki/api_error.hpp"
#include "curator/mediawiki/chunked_upload.hpp"
#include "curator/mediawiki/titles.hpp"
#include "curator/mediawiki/wikibase.hpp"
#include "proxy.hpp"
#include "wiki.hpp"

using namespace curator;
using namespace curator::mediawiki;

namespace {

MediaWikiClient admin_via(const test::MediaWikiProxy& proxy,
                          ClientOptions o = test::wiki_options()) {
  o.api_url = proxy.commons_api();
  return test::admin_client(std::move(o));
}

std::string upload_file(MediaWikiClient& client, const test::TempDir& dir) {
  ChunkedUploadOptions o;
  o.async = false;
  const auto name = test::unique_name("sdc");
  const auto outcome = ChunkedUpload(client, test::make_png(dir, 5000), name, o).run();
  REQUIRE(outcome.published());
  return name;
}

json::value statement(const std::string& property, const std::string& value) {
  return json::parse(R"({"mainsnak":{"snaktype":"value","property":")" + property +
                     R"(","datavalue":{"type":"string","value":")" + value +
                     R"("}},"type":"statement","rank":"normal"})");
}

}  // namespace

TEST_CASE("MediaInfo by title and by id: missing page, empty entity, then statements") {
  test::TempDir dir;
  test::MediaWikiProxy proxy;
  auto client = admin_via(proxy);
  const auto missing = client.entity_by_title("commonswiki", file_title(test::unique_name("none")));
  CHECK(missing.state == Entity::State::no_page);

  const auto name = upload_file(client, dir);
  const auto empty = client.entity_by_title("commonswiki", file_title(name));
  CHECK(empty.state == Entity::State::empty);
  REQUIRE(empty.id.starts_with("M"));
  CHECK(require_entity_id(empty.id) == empty.id);

  EntityEdit edit;
  edit.site = "commonswiki";
  edit.title = file_title(name);
  edit.claims.push_back(statement("P1947", "168951548443095"));
  edit.labels["en"] = "Photo from Mapillary";
  edit.summary = "curator test";
  const auto saved = client.edit_entity(edit);
  CHECK(saved.id == empty.id);
  CHECK(saved.changed);
  REQUIRE(saved.last_revision_id.has_value());

  const auto entity = client.entity(empty.id);
  CHECK(entity.state == Entity::State::exists);
  CHECK(entity.type == "mediainfo");
  CHECK(entity.labels.at("en") == "Photo from Mapillary");
  REQUIRE(entity.statements.contains("P1947"));
  const auto& p1947 = entity.statements.at("P1947").as_array();
  REQUIRE(p1947.size() == 1);
  CHECK(p1947[0].at("id").as_string().starts_with(empty.id + "$"));
  CHECK(entity.last_revision_id == saved.last_revision_id);

  // The same data again changes nothing.
  EntityEdit same;
  same.id = empty.id;
  same.labels["en"] = "Photo from Mapillary";
  CHECK_FALSE(client.edit_entity(same).changed);

  // A stale base revision is an edit conflict.
  EntityEdit stale;
  stale.id = empty.id;
  stale.labels["de"] = "Foto";
  stale.base_revision_id = *saved.last_revision_id - 1;
  try {
    client.edit_entity(stale);
    FAIL("expected an error");
  } catch (const ApiException& e) {
    CHECK(e.type() == ApiErrorType::edit_conflict);
    CHECK(e.kind() == ErrorKind::conflict);
  }
}

TEST_CASE("the production entity seeded on a test file reads back with its 13 statements") {
  test::TempDir dir;
  test::MediaWikiProxy proxy;
  auto client = admin_via(proxy);
  const auto name = upload_file(client, dir);
  const auto id = client.entity_by_title("commonswiki", file_title(name)).id;
  std::ifstream in(std::string(CURATOR_TEST_FIXTURES) + "/mediawiki/wikibase/production_sdc.json");
  std::stringstream buffer;
  buffer << in.rdbuf();
  proxy.seed_entity(id, buffer.str());
  const auto entity = client.entity(id);
  CHECK(entity.state == Entity::State::exists);
  CHECK(entity.statements.size() == 13);
  CHECK(entity.labels.at("en") == "Photo from Mapillary");
}

TEST_CASE("wbeditentity: a stale token is replaced; a lost answer is never repeated") {
  test::TempDir dir;
  test::MediaWikiProxy proxy;
  auto client = admin_via(proxy);
  const auto name = upload_file(client, dir);
  const auto id = client.entity_by_title("commonswiki", file_title(name)).id;

  client.seed_csrf_token("0123456789abcdef+\\");
  EntityEdit edit;
  edit.id = id;
  edit.claims.push_back(statement("P1947", "1"));
  CHECK(client.edit_entity(edit).changed);
  CHECK(client.stats().token_refreshes >= 1);

  // The edit is applied, then the connection is reset: the client must not
  // add the statement a second time.
  for (const char* fault :
       {R"({"action":"wbeditentity","reset":true,"phase":"after","count":1})",
        R"({"action":"wbeditentity","status":502,"phase":"after","count":1})"}) {
    CAPTURE(fault);
    proxy.fault(fault);
    EntityEdit more;
    more.id = id;
    more.claims.push_back(statement("P1947", "2"));
    try {
      client.edit_entity(more);
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.code() == "outcome_unknown");
      CHECK(e.kind() == ErrorKind::transient);
    }
  }
  const auto history = proxy.entity(id).at("history").as_array();
  CHECK(history.size() == 3);  // one edit each, no repeats
  CHECK(client.entity(id).statements.at("P1947").as_array().size() == 3);

  // A 502 that came before the edit ran looks the same from here.
  proxy.fault(R"({"action":"wbeditentity","status":502,"count":1})");
  EntityEdit again;
  again.id = id;
  again.labels["en"] = "x";
  // Not idempotent: even a 502 before the edit counts as unknown.
  CHECK_THROWS_AS(client.edit_entity(again), Error);
  CHECK(proxy.entity(id).at("history").as_array().size() == 3);
}

TEST_CASE("wbeditentity: ratelimited and maxlag are retried with the policy's waits") {
  test::TempDir dir;
  test::MediaWikiProxy proxy;
  test::RecordedSleeps sleeps;
  auto options = test::wiki_options();
  options.retry.sleep = sleeps.function();
  auto client = admin_via(proxy, options);
  const auto name = upload_file(client, dir);
  const auto id = client.entity_by_title("commonswiki", file_title(name)).id;
  sleeps.waits->clear();
  proxy.fault(R"({"action":"wbeditentity","error":"ratelimited","count":1})");
  proxy.fault(R"({"action":"wbgetentities","error":"maxlag","lag":7,"count":1})");
  EntityEdit edit;
  edit.id = id;
  edit.labels["en"] = "rate";
  CHECK(client.edit_entity(edit).changed);
  CHECK(client.entity(id).labels.at("en") == "rate");
  // maxlag: MediaWiki's Retry-After is max(the maxlag sent, 5) = 5 s.
  const std::vector<std::chrono::milliseconds> expected{std::chrono::milliseconds(15000),
                                                        std::chrono::milliseconds(5000)};
  CHECK(*sleeps.waits == expected);
}

TEST_CASE("Wikidata items through the same client type") {
  test::MediaWikiProxy proxy;
  auto options = test::wiki_options();
  options.api_url = proxy.wikidata_api();
  MediaWikiClient wikidata(options);
  const auto item = wikidata.entity("Q18199165");  // CC BY-SA 4.0, built into the fake
  CHECK(item.state == Entity::State::exists);
  CHECK(item.type == "item");
  CHECK_FALSE(item.labels.empty());
  CHECK(wikidata.entity("Q999999999").state == Entity::State::no_page);
}
