// Category creation (createonly, an existing category is not an error) and
// the deletion-log check for deleted categories, on the real test MediaWiki.

#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/mediawiki/api_error.hpp"
#include "wiki.hpp"

using namespace curator;
using namespace curator::mediawiki;

namespace {

/// A category name no earlier run used ("Curator test 1a2b3c4d cat 3").
std::string unique_category(const std::string& what) {
  auto name = test::unique_name(what, "x");
  return name.substr(0, name.size() - 2);
}

void delete_page(MediaWikiClient& admin, const std::string& title) {
  const auto answer = admin.call(
      {{{"action", "delete"}, {"title", title}, {"reason", "curator test"}}, true, true});
  REQUIRE_MESSAGE(answer.as_object().contains("delete"), json::serialize(answer));
}

}  // namespace

TEST_CASE("create a category: created once, then reported as existing and left unchanged") {
  auto admin = test::admin_client();
  const auto name = unique_category("category");
  auto lower = name;
  lower[0] = 'c';  // the wiki upper-cases the first letter: the same category

  const auto first = admin.create_category(lower + " ", "[[Category:Curator tests]]", "create");
  CHECK(first.created);
  CHECK(first.title == "Category:" + name);
  const auto page = admin.page_text("Category:" + name);
  CHECK_FALSE(page.missing);
  CHECK(page.content == "[[Category:Curator tests]]");

  const auto again = admin.create_category("Category:" + name, "other text", "create again");
  CHECK_FALSE(again.created);
  CHECK(again.title == "Category:" + name);
  const auto after = admin.page_text("Category:" + name);
  CHECK(after.content == "[[Category:Curator tests]]");
  CHECK(after.revision_id == page.revision_id);
}

TEST_CASE("create a category: bad names fail before a request, refusals are typed errors") {
  auto admin = test::admin_client();
  const auto before = admin.stats().requests;
  CHECK_THROWS_AS(admin.create_category("a|b", "x"), Error);
  CHECK_THROWS_AS(admin.create_category("  ", "x"), Error);
  CHECK(admin.stats().requests == before);

  // The test wiki's title blacklist refuses "Curator forbidden page ..." titles.
  try {
    admin.create_category("Curator forbidden page " + unique_category("c"), "x");
    FAIL("expected an error");
  } catch (const ApiException& e) {
    CHECK(e.type() == ApiErrorType::title_blacklisted);
  }
}

TEST_CASE("deleted categories: only the ones with a deletion in the log, in input order") {
  auto admin = test::admin_client();
  const auto deleted = unique_category("deleted");
  const auto existing = unique_category("kept");
  const auto never = unique_category("never");
  REQUIRE(admin.create_category(deleted, "to delete").created);
  REQUIRE(admin.create_category(existing, "kept").created);
  delete_page(admin, "Category:" + deleted);
  CHECK(admin.page_text("Category:" + deleted).missing);

  const auto log = admin.deletion_log("Category:" + deleted);
  REQUIRE(log.size() == 1);
  CHECK(log[0].action == "delete");
  CHECK(log[0].type == "delete");
  CHECK(log[0].title == "Category:" + deleted);
  CHECK(log[0].comment == "curator test");
  CHECK(log[0].log_id.has_value());
  CHECK(admin.deletion_log("Category:" + never).empty());

  // Names as a user types them (lower case, underscores, with the prefix).
  auto typed = deleted;
  typed[0] = 'c';
  for (auto& c : typed)
    c = c == ' ' ? '_' : c;
  const auto found = admin.deleted_categories({existing, typed, never, "Category:" + deleted});
  REQUIRE(found.size() == 2);
  CHECK(found[0] == typed);
  CHECK(found[1] == "Category:" + deleted);
  CHECK(admin.deleted_categories({}).empty());
  CHECK_THROWS_AS(admin.deleted_categories({existing, "bad[name]"}), Error);
  CHECK_THROWS_AS(admin.deletion_log(""), Error);
  CHECK_THROWS_AS(admin.deletion_log("Category:X", 0), Error);
}
