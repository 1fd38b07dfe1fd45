// curatorctl batches, batch show, retry, cancel and presets against SQLite
// and MariaDB; rows are arranged through the store, as the pipeline and the
// web UI would leave them.
#include <doctest/doctest.h>

#include "cli_world.hpp"
#include "curator/service/batches.hpp"
#include "curator/service/presets.hpp"
#include "curator/store/uploads.hpp"

using namespace curator;
using curator::store::test::new_upload;
using curator::store::test::OnMysql;
using curator::store::test::OnSqlite;

namespace {

template <typename W>
service::Actor uploader(W& w) {
  w.login_uploader();
  const auto saved = json::parse(curator::test::slurp(w.profile().string()));
  return {std::string(saved.at("userid").as_string()), "Uploader", false};
}

}  // namespace

TEST_CASE_TEMPLATE("batches, batch show, retry and cancel", B, OnSqlite, OnMysql) {
  curator::test::CliWorld<B> w;
  REQUIRE(w.run({"migrate"}).exit == 0);
  const auto me = uploader(w);
  const service::Actor other{"999001", "Someone Else", false};
  service::BatchService batches(w.db());
  store::UploadRepository uploads(w.db());
  const auto mine = batches.create_batch_with_uploads(
      me, service::Handler::mapillary, "tok",
      {new_upload("k1"), new_upload("k2"), new_upload("k3"), new_upload("k4")});
  const auto theirs =
      batches.create_batch_with_uploads(other, service::Handler::flickr, "tok", {new_upload("z")});
  const auto& ids = mine.upload_ids;
  REQUIRE(uploads.transition(ids[0], UploadStatus::queued, UploadStatus::failed,
                             StructuredError::generic("Upload failed: stash error")));
  REQUIRE(uploads.transition(ids[1], UploadStatus::queued, UploadStatus::completed, std::nullopt,
                             "https://commons.example/wiki/File:K2.jpg"));

  const auto list = w.run({"batches"});
  REQUIRE_MESSAGE(list.exit == 0, list.err);
  CHECK(list.out.find("Uploader") != std::string::npos);
  CHECK(list.out.find("Someone Else") == std::string::npos);
  CHECK(list.out.find("1 of 1 batches") != std::string::npos);
  const auto all = w.run({"--json", "batches", "--all"});
  REQUIRE(all.exit == 0);
  const auto page = all.events().at(0);
  CHECK(page.at("total").as_int64() == 2);
  CHECK(page.at("items").at(0).at("id").as_int64() == theirs.batch.id);  // newest first
  CHECK(page.at("items").at(1).at("stats").at("failed").as_int64() == 1);
  const auto filtered = w.run({"--json", "batches", "--all", "--filter", "Someone"});
  CHECK(filtered.events().at(0).at("total").as_int64() == 1);
  const auto paged = w.run({"--json", "batches", "--all", "--limit", "1", "--page", "2"});
  CHECK(paged.events().at(0).at("items").as_array().size() == 1);

  const auto show = w.run({"batch", "show", std::to_string(mine.batch.id)});
  REQUIRE_MESSAGE(show.exit == 0, show.err);
  CHECK(show.out.find("Upload failed: stash error") != std::string::npos);
  CHECK(show.out.find("https://commons.example/wiki/File:K2.jpg") != std::string::npos);
  CHECK(show.out.find("4 uploads: 2 queued, 0 in progress, 1 completed") != std::string::npos);
  const auto show_json = w.run({"--json", "batch", "show", std::to_string(mine.batch.id)});
  const auto detail = show_json.events().at(0);
  CHECK(detail.at("batch").at("username") == "Uploader");
  CHECK(detail.at("uploads").as_array().size() == 4);
  CHECK(detail.at("uploads").at(0).at("error").at("type") == "error");
  CHECK(show_json.out.find("tok") == std::string::npos);  // never the token
  const auto missing = w.run({"batch", "show", "777777"});
  CHECK(missing.exit == 2);
  CHECK(missing.err.find("Batch 777777 not found") != std::string::npos);
  // Viewing is public, even without a login.
  CHECK(w.run_with({{"HOME", "/nonexistent"}, {"XDG_CONFIG_HOME", "/nonexistent"}},
                   {"batch", "show", std::to_string(theirs.batch.id)})
            .exit == 0);

  // Cancel: only one's own batch (not an admin here).
  const auto denied = w.run({"cancel", std::to_string(theirs.batch.id)});
  CHECK(denied.exit == 3);
  CHECK(denied.err.find("Permission denied") != std::string::npos);
  const auto cancel = w.run({"--json", "cancel", std::to_string(mine.batch.id)});
  REQUIRE_MESSAGE(cancel.exit == 0, cancel.err);
  CHECK(cancel.event("cancelled").at("uploads").as_array().size() == 2);
  CHECK(uploads.find(ids[2])->status == UploadStatus::cancelled);
  CHECK(uploads.find(ids[1])->status == UploadStatus::completed);
  const auto nothing = w.run({"cancel", std::to_string(mine.batch.id)});
  CHECK(nothing.exit == 2);
  CHECK(nothing.err.find("No queued items to cancel") != std::string::npos);
  CHECK(w.run({"cancel", "888888"}).exit == 2);

  // An admin (by configuration) may cancel someone else's batch.
  const auto admin =
      w.run_with({{"CURATOR_ADMINS", "Uploader"}}, {"cancel", std::to_string(theirs.batch.id)});
  CHECK_MESSAGE(admin.exit == 0, admin.err);

  // Retry copies the failed and the cancelled uploads into a new batch.
  const auto retry = w.run({"--json", "retry", "--no-wait", std::to_string(mine.batch.id)});
  REQUIRE_MESSAGE(retry.exit == 0, retry.err);
  const auto retried = retry.event("retried");
  CHECK(retried.at("uploads").as_int64() == 3);
  const auto fresh = batches.show(retried.at("new_batch").as_int64());
  REQUIRE(fresh.uploads.size() == 3);
  CHECK(fresh.uploads[0].key == "k1");
  CHECK(fresh.uploads[0].status == UploadStatus::queued);
  CHECK(fresh.summary.batch.userid == me.userid);
  // The copies carry the operator's credentials, encrypted.
  REQUIRE(fresh.uploads[0].access_token.has_value());
  CHECK(fresh.uploads[0].access_token->rfind("gAAAAA", 0) == 0);
  const auto denied_retry = w.run({"retry", "--no-wait", std::to_string(theirs.batch.id)});
  CHECK(denied_retry.exit == 3);
  const auto none = w.run({"retry", std::to_string(retried.at("new_batch").as_int64())});
  CHECK(none.exit == 2);
  CHECK(none.err.find("No failed uploads to retry") != std::string::npos);

  // Without credentials, commands that act for a user exit 3.
  const auto anonymous = w.run_with({{"XDG_CONFIG_HOME", (w.home() / "nobody").string()}},
                                    {"cancel", std::to_string(mine.batch.id)});
  CHECK(anonymous.exit == 3);
}

TEST_CASE_TEMPLATE("presets: save, list, update, delete; shared with the service", B, OnSqlite,
                   OnMysql) {
  curator::test::CliWorld<B> w;
  REQUIRE(w.run({"migrate"}).exit == 0);
  const auto me = uploader(w);

  const auto save =
      w.run({"--json", "presets", "save", "--name", "Streets", "--default", "--title",
             "{{location.city}} ({{mapillary.photo.id}}).jpg", "--caption",
             "Street in {{location.city}}", "--language", "de", "--category", "Streets",
             "--category", "Roads in {{location.city}}", "--exclude-date-category"});
  REQUIRE_MESSAGE(save.exit == 0, save.err);
  const auto saved = save.events().at(0);
  CHECK(saved.at("is_default") == true);
  CHECK(saved.at("labels").at("language") == "de");
  CHECK(saved.at("categories") == "Streets\nRoads in {{location.city}}");

  // What the web UI would see through the same service.
  service::PresetService presets(w.db());
  const auto listed = presets.list(me, service::Handler::mapillary);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].title_template == "{{location.city}} ({{mapillary.photo.id}}).jpg");
  CHECK(listed[0].exclude_from_date_category);

  REQUIRE(w.run({"presets", "save", "--name", "Parks", "--default", "--title",
                 "P {{captured.date}}.jpg"})
              .exit == 0);
  REQUIRE(w.run({"presets", "save", "--handler", "flickr", "--name", "Albums", "--title",
                 "{{flickr.photo.id}}.jpg"})
              .exit == 0);
  const auto list = w.run({"--json", "presets", "list"});
  REQUIRE(list.exit == 0);
  const auto lists = list.events();
  REQUIRE(lists.size() == 2);
  CHECK(lists[0].at("handler") == "mapillary");
  CHECK(lists[0].at("presets").as_array().size() == 2);
  CHECK(lists[0].at("presets").at(0).at("title") == "Parks");
  CHECK(lists[0].at("presets").at(0).at("is_default") == true);
  CHECK(lists[0].at("presets").at(1).at("is_default") == false);  // one default per handler
  CHECK(lists[1].at("presets").as_array().size() == 1);
  const auto text = w.run({"presets", "list", "--handler", "flickr"});
  CHECK(text.out.find("Albums") != std::string::npos);
  CHECK(text.out.find("Parks") == std::string::npos);

  const auto id = std::to_string(saved.at("id").as_int64());
  const auto update = w.run({"presets", "save", "--id", id, "--name", "Streets 2", "--title",
                             "New {{mapillary.photo.id}}.jpg"});
  REQUIRE_MESSAGE(update.exit == 0, update.err);
  CHECK(presets.find(me, service::Handler::mapillary, id)->title == "Streets 2");

  // Someone else's preset can be neither changed nor deleted.
  service::PresetInput input;
  input.title = "Theirs";
  input.title_template = "x.jpg";
  const auto theirs = presets.save({"999002", "Other", false}, service::Handler::mapillary, input);
  const auto steal = w.run(
      {"presets", "save", "--id", std::to_string(theirs.id), "--name", "Mine", "--title", "y.jpg"});
  CHECK(steal.exit == 2);
  CHECK(steal.err.find("Preset not found or permission denied") != std::string::npos);
  CHECK(w.run({"presets", "delete", std::to_string(theirs.id)}).exit == 2);

  CHECK(w.run({"presets", "delete", "Streets 2"}).exit == 0);
  CHECK(w.run({"presets", "delete", "Streets 2"}).exit == 2);
  CHECK(w.run({"presets", "delete", "--handler", "flickr", "Albums"}).exit == 0);
  CHECK(presets.list(me, service::Handler::flickr).empty());

  // Bad input on every flag.
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"presets", "save", "--name", "", "--title", "x.jpg"},
        {"presets", "save", "--name", "n", "--title", ""},
        {"presets", "save", "--name", "n", "--title", std::string(501, 't')},
        {"presets", "save", "--name", std::string(256, 'n'), "--title", "t.jpg"},
        {"presets", "save", "--name", "n", "--title", "t.jpg", "--category", "a\nb"},
        {"presets", "save", "--name", "n", "--title", "t.jpg", "--handler", "youtube"},
        {"presets", "save", "--name", "n", "--title", "t.jpg", "--id", "0"},
        {"presets", "save", "--name", "n", "--title", "t.jpg", "--id", "abc"},
        {"presets", "save", "--name", "n", "--title", std::string("\xff\xfe.jpg")},
        {"presets", "delete"},
        {"presets", "delete", "nonexistent"}}) {
    const auto r = w.run(bad);
    CHECK_MESSAGE(r.exit == 2, bad[2] << " " << r.err);
  }
  CHECK(presets.list(me, service::Handler::mapillary).size() == 1);
}
