// curatorctl login, whoami, logout against the test MediaWiki: the profile
// is 0600, secrets are never echoed, refused credentials exit 3.
#include <sys/stat.h>

#include <doctest/doctest.h>

#include "cli_world.hpp"

using namespace curator;
using curator::store::test::OnSqlite;
using curator::test::require_env;
using World = curator::test::CliWorld<OnSqlite>;

namespace {

unsigned mode_of(const std::filesystem::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

bool mentions(const curator::test::CliResult& r, const std::string& secret) {
  return r.out.find(secret) != std::string::npos || r.err.find(secret) != std::string::npos;
}

}  // namespace

TEST_CASE("login with a bot password: checked, saved 0600, never echoed") {
  World w;
  const auto user = require_env("CURATOR_TEST_MW_USER_BOT_USER");
  const auto password = require_env("CURATOR_TEST_MW_USER_BOT_PASSWORD");
  const auto r = w.run({"login", "--bot-user", user}, password + "\n");
  REQUIRE_MESSAGE(r.exit == 0, r.err);
  CHECK(r.out.find("Logged in as Uploader") != std::string::npos);
  CHECK(!mentions(r, password));
  CHECK(mode_of(w.profile()) == 0600);
  CHECK(mode_of(w.profile().parent_path()) == 0700);
  const auto saved = json::parse(curator::test::slurp(w.profile().string()));
  CHECK(saved.at("username") == "Uploader");
  CHECK(saved.at("credentials").at("type") == "botpassword");

  const auto who = w.run({"--json", "whoami"});
  REQUIRE_MESSAGE(who.exit == 0, who.err);
  const auto me = who.events().at(0);
  CHECK(me.at("username") == "Uploader");
  CHECK(me.at("userid") == saved.at("userid"));
  CHECK(me.at("can_upload") == true);
  CHECK(me.at("rate_limits").at("upload").at("hits").as_int64() > 0);
  CHECK(!mentions(who, password));
  const auto text = w.run({"whoami"});
  CHECK(text.out.find("bot password for " + user) != std::string::npos);
  CHECK(text.out.find("rate limits: upload") != std::string::npos);

  // Config show never shows the saved secret either.
  CHECK(!mentions(w.run({"config", "show"}), password));

  // A wrong password is refused; the saved profile stays as it was.
  const auto before = curator::test::slurp(w.profile().string());
  const auto wrong = w.run({"login", "--bot-user", user}, "not-the-password\n");
  CHECK(wrong.exit == 3);
  CHECK(!mentions(wrong, "not-the-password"));
  CHECK(curator::test::slurp(w.profile().string()) == before);

  const auto out = w.run({"logout"});
  CHECK(out.exit == 0);
  CHECK(!std::filesystem::exists(w.profile()));
  const auto anonymous = w.run({"whoami"});
  CHECK(anonymous.exit == 3);
  CHECK(anonymous.err.find("curatorctl login") != std::string::npos);
}

TEST_CASE("login: bad input on every flag") {
  World w;
  const auto user = require_env("CURATOR_TEST_MW_USER_BOT_USER");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"login"}, ""},
      {{"login", "--oauth2", "--bot-user", user}, "x\n"},
      {{"login", "--bot-user", "NoAppId"}, "pw\n"},
      {{"login", "--bot-user", "@app"}, "pw\n"},
      {{"login", "--bot-user", user}, ""},
      {{"login", "--bot-user", user}, "\n"},
      {{"login", "--oauth2"}, ""},
      {{"login", "--consumer-key", "k", "--oauth2"}, "t\n"},
      {{"login", "--oauth1"}, "key\n"},
      {{"login", "--from-env"}, ""},
  };
  for (const auto& [args, input] : cases) {
    const auto r = w.run(args, input);
    CHECK_MESSAGE(r.exit == 2, args.back() << ": " << r.err);
    CHECK(!std::filesystem::exists(w.profile()));
  }
  // Half-set environment credentials name what is missing.
  const auto half = w.run_with({{"CURATOR_BOT_USER", user}}, {"whoami"});
  CHECK(half.exit == 2);
  CHECK(half.err.find("CURATOR_BOT_PASSWORD") != std::string::npos);
  const auto two = w.run_with(
      {{"CURATOR_BOT_USER", user}, {"CURATOR_BOT_PASSWORD", "x"}, {"CURATOR_OAUTH2_TOKEN", "t"}},
      {"whoami"});
  CHECK(two.exit == 2);
  const auto no_consumer = w.run_with(
      {{"CURATOR_OAUTH1_ACCESS_KEY", "a"}, {"CURATOR_OAUTH1_ACCESS_SECRET", "b"}}, {"whoami"});
  CHECK(no_consumer.exit == 2);
  CHECK(no_consumer.err.find("CURATOR_OAUTH1_KEY") != std::string::npos);
}

TEST_CASE("login: OAuth 2 and OAuth 1.0a tokens are saved without echo") {
  World w;
  const std::string token = "oauth2-token-0123456789abcdef";
  const auto r = w.run({"login", "--oauth2", "--no-verify"}, token + "\n");
  REQUIRE_MESSAGE(r.exit == 0, r.err);
  CHECK(!mentions(r, token));
  CHECK(mode_of(w.profile()) == 0600);
  const auto saved = json::parse(curator::test::slurp(w.profile().string()));
  CHECK(saved.at("credentials").at("type") == "oauth2");
  CHECK(saved.at("credentials").at("access_token").as_string() == token);
  // The test wiki has no OAuth extension: it answers for an anonymous
  // session, which whoami reports as refused credentials.
  const auto who = w.run({"whoami"});
  CHECK(who.exit == 3);
  CHECK(!mentions(who, token));
  // Verified login with the same token is refused and saves nothing new.
  CHECK(w.run({"login", "--oauth2"}, "other-token\n").exit == 3);
  CHECK(json::parse(curator::test::slurp(w.profile().string()))
            .at("credentials")
            .at("access_token")
            .as_string() == token);

  const auto o1 = w.run({"login", "--oauth1", "--consumer-key", "ck", "--no-verify"},
                        "consumer-secret-xyz\naccess-key\naccess-secret-xyz\n");
  REQUIRE_MESSAGE(o1.exit == 0, o1.err);
  CHECK(!mentions(o1, "consumer-secret-xyz"));
  CHECK(!mentions(o1, "access-secret-xyz"));
  const auto oauth1 = json::parse(curator::test::slurp(w.profile().string()));
  CHECK(oauth1.at("credentials").as_array().size() == 2);
  CHECK(oauth1.at("oauth1_consumer").at("key") == "ck");
  CHECK(!mentions(w.run({"config", "show"}), "consumer-secret-xyz"));

  // Environment credentials can be saved as they are.
  const auto env_login = w.run_with(w.uploader_env(), {"login", "--from-env"});
  REQUIRE_MESSAGE(env_login.exit == 0, env_login.err);
  CHECK(env_login.out.find("Logged in as Uploader") != std::string::npos);
}

TEST_CASE("a profile others can read, or a broken one, is refused without quoting it") {
  World w;
  w.login_uploader();
  std::filesystem::permissions(w.profile(), std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  const auto open = w.run({"batches"});
  CHECK(open.exit == 2);
  CHECK(open.err.find("chmod 600") != std::string::npos);

  const auto password = require_env("CURATOR_TEST_MW_USER_BOT_PASSWORD");
  for (const std::string& text :
       {std::string("{\"credentials\": {\"type\": \"botpassword\", \"password\": \"") + password +
            "\"}}",
        std::string("{not json ") + password, std::string("[]"), std::string(100000, 'x')}) {
    {
      std::ofstream out(w.profile(), std::ios::trunc);
      out << text;
    }
    std::filesystem::permissions(
        w.profile(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
        std::filesystem::perm_options::replace);
    const auto r = w.run({"whoami"});
    CHECK(r.exit == 2);
    CHECK(r.err.find(w.profile().string()) != std::string::npos);
    CHECK(!mentions(r, password));
  }
  // Environment credentials win over a broken profile.
  const auto env = w.run_with(w.uploader_env(), {"whoami"});
  CHECK(env.exit == 0);
  CHECK(env.out.find("(from environment)") != std::string::npos);
}
