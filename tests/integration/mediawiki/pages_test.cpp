// Page text, null edits and create-only edits on the real test MediaWiki.

#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/mediawiki/api_error.hpp"
#include "curator/mediawiki/chunked_upload.hpp"
#include "curator/mediawiki/titles.hpp"
#include "wiki.hpp"

using namespace curator;
using namespace curator::mediawiki;

TEST_CASE("null edit of a new File page: saved unchanged, no new revision") {
  test::TempDir dir;
  auto admin = test::admin_client();
  ChunkedUploadOptions options;
  options.async = false;
  options.text = "== Summary ==\nnull edit test";
  const auto name = test::unique_name("null edit");
  REQUIRE(ChunkedUpload(admin, test::make_png(dir, 20000), name, options).run().published());
  const auto before = admin.page_text(file_title(name));
  CHECK_FALSE(before.missing);
  CHECK(before.content == "== Summary ==\nnull edit test");
  REQUIRE(before.revision_id.has_value());

  CHECK(admin.null_edit(file_title(name)));
  const auto after = admin.page_text(file_title(name));
  CHECK(after.revision_id == before.revision_id);
  CHECK(after.content == before.content);
}

TEST_CASE("null edit of a missing page: false, and the page stays missing") {
  auto admin = test::admin_client();
  const auto title = file_title(test::unique_name("never uploaded"));
  CHECK_FALSE(admin.null_edit(title));
  CHECK(admin.page_text(title).missing);
}

TEST_CASE("create-only edits create once, then report that the page exists") {
  auto admin = test::admin_client();
  const auto title = "Curator test page " + test::unique_name("create only", "txt");
  CHECK(admin.create_page(title, "first", "create"));
  CHECK_FALSE(admin.create_page(title, "second", "create again"));
  CHECK(admin.page_text(title).content == "first");

  // The same through edit(): a typed error that means "already exists".
  EditRequest request;
  request.title = title;
  request.text = "third";
  request.create_only = true;
  try {
    admin.edit(request);
    FAIL("expected an error");
  } catch (const ApiException& e) {
    CHECK(e.type() == ApiErrorType::article_exists);
    CHECK(e.kind() == ErrorKind::duplicate);
  }
}

TEST_CASE("edits: a real change, a stale base revision, nocreate and bad input") {
  auto admin = test::admin_client();
  const auto title = "Curator test page " + test::unique_name("edit", "txt");
  REQUIRE(admin.create_page(title, "one", "create"));
  const auto first = admin.page_text(title);

  EditRequest request;
  request.title = title;
  request.text = "two";
  request.summary = "change";
  request.base_revision_id = first.revision_id;
  const auto changed = admin.edit(request);
  CHECK(changed.changed);
  CHECK(changed.old_revision_id == first.revision_id);
  CHECK(admin.page_text(title).content == "two");

  request.text = "two";
  CHECK_FALSE(admin.edit(request).changed);  // same text: a null edit

  EditRequest missing;
  missing.title = "Curator test page " + test::unique_name("missing", "txt");
  missing.text = "x";
  missing.no_create = true;
  try {
    admin.edit(missing);
    FAIL("expected an error");
  } catch (const ApiException& e) {
    CHECK(e.type() == ApiErrorType::missing_title);
  }
  EditRequest both = missing;
  both.create_only = true;
  CHECK_THROWS_AS(admin.edit(both), Error);
  CHECK_THROWS_AS(admin.edit(EditRequest{}), Error);

  // Blacklisted page titles: a typed error.
  EditRequest forbidden;
  forbidden.title = "Curator forbidden page " + test::unique_name("x", "txt");
  forbidden.text = "x";
  try {
    admin.edit(forbidden);
    FAIL("expected an error");
  } catch (const ApiException& e) {
    CHECK(e.type() == ApiErrorType::title_blacklisted);
  }
}
