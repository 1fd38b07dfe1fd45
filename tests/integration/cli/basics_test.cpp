// curatorctl's exit codes, help, `config show|describe` and `migrate`.
#include <doctest/doctest.h>

#include "cli_world.hpp"

using namespace curator;
using curator::store::test::OnMysql;
using curator::store::test::OnSqlite;
using World = curator::test::CliWorld<OnSqlite>;

TEST_CASE("curatorctl: help, version and usage errors") {
  World w;
  const auto help = w.run({"--help"});
  CHECK(help.exit == 0);
  CHECK(help.out.find("Exit codes: 0 done, 1 some uploads failed, 2 usage error") !=
        std::string::npos);
  for (const char* cmd :
       {"ingest", "batches", "login", "whoami", "migrate", "retry", "cancel", "worker", "logout"}) {
    const auto r = w.run({cmd, "--help"});
    CHECK_MESSAGE(r.exit == 0, cmd);
    CHECK_MESSAGE(r.out.find("Usage:") != std::string::npos, cmd);
  }
  CHECK(w.run({"ingest", "--help"}).out.find("Examples:") != std::string::npos);
  CHECK(w.run({"presets", "save", "--help"}).out.find("Example:") != std::string::npos);
  CHECK(w.run({"batch", "show", "--help"}).exit == 0);
  CHECK(w.run({"--version"}).out.find("curatorctl 0.") != std::string::npos);

  for (const std::vector<std::string>& bad : {std::vector<std::string>{},
                                              {"frobnicate"},
                                              {"batches", "--page", "0"},
                                              {"batches", "--limit", "5000"},
                                              {"batches", "--limit", "x"},
                                              {"batch", "show"},
                                              {"batch", "show", "abc"},
                                              {"batch", "show", "0"},
                                              {"batch", "show", "99999999999"},
                                              {"retry"},
                                              {"cancel", "-5"},
                                              {"ingest", "mapillary"},
                                              {"ingest", "youtube", "x"},
                                              {"presets", "save", "--name", "x"},
                                              {"presets", "list", "--handler", "youtube"},
                                              {"worker", "--threads", "0"},
                                              {"config"},
                                              {"--unknown-flag", "batches"}}) {
    const auto r = w.run(bad);
    const std::string what = bad.empty() ? "(none)" : bad[0];
    CHECK_MESSAGE(r.exit == 2, what);
    CHECK_MESSAGE(!r.err.empty(), what);
  }
}

TEST_CASE("curatorctl config: every setting, secrets redacted, bad values named") {
  World w;
  const std::string secret = "s3cr3t-bot-password-value";
  const auto show = w.run_with({{"CURATOR_BOT_USER", "Alice@curator"},
                                {"CURATOR_BOT_PASSWORD", secret},
                                {"CURATOR_OAUTH2_TOKEN", "oauth2-secret-token"}},
                               {"config", "show"});
  CHECK(show.exit == 0);
  CHECK(show.out.find("CURATOR_BOT_USER=Alice@curator") != std::string::npos);
  CHECK(show.out.find("CURATOR_BOT_PASSWORD=***") != std::string::npos);
  CHECK(show.out.find("CURATOR_MAPILLARY_TOKEN=***") != std::string::npos);
  CHECK(show.out.find(secret) == std::string::npos);
  CHECK(show.out.find("oauth2-secret-token") == std::string::npos);
  CHECK(show.out.find("fake-mapillary-token") == std::string::npos);
  CHECK(show.out.find("# login profile: ") != std::string::npos);

  const auto json_show =
      w.run_with({{"CURATOR_BOT_PASSWORD", secret}}, {"--json", "config", "show"});
  CHECK(json_show.exit == 0);
  CHECK(json_show.events().at(0).at("CURATOR_BOT_PASSWORD") == "***");
  CHECK(json_show.out.find(secret) == std::string::npos);

  // Flags win over the environment.
  const auto flagged = w.run({"--database", "sqlite:///tmp/flag.sqlite", "config", "show"});
  CHECK(flagged.out.find("CURATOR_DATABASE_URL=sqlite:///tmp/flag.sqlite") != std::string::npos);

  const auto bad = w.run_with({{"CURATOR_WORKERS", "many"}}, {"config", "show"});
  CHECK(bad.exit == 2);
  CHECK(bad.err.find("CURATOR_WORKERS") != std::string::npos);
  const auto bad_url = w.run({"--database", "postgres://x", "config", "show"});
  CHECK(bad_url.exit == 2);

  const auto describe = w.run_with({{"CURATOR_WORKERS", "many"}}, {"config", "describe"});
  CHECK(describe.exit == 0);
  for (const char* v : {"CURATOR_BOT_USER", "CURATOR_BOT_PASSWORD", "CURATOR_OAUTH2_TOKEN",
                        "CURATOR_OAUTH1_ACCESS_KEY", "CURATOR_OAUTH1_ACCESS_SECRET"}) {
    CHECK_MESSAGE(describe.out.find(std::string("| `") + v + "` |") != std::string::npos, v);
  }
}

TEST_CASE_TEMPLATE("curatorctl migrate: creates, then finds nothing to do", B, OnSqlite, OnMysql) {
  curator::test::CliWorld<B> w;
  const auto first = w.run({"migrate"});
  REQUIRE_MESSAGE(first.exit == 0, first.err);
  CHECK(first.out.find("Applied 0001") != std::string::npos);
  CHECK(first.out.find("schema version") != std::string::npos);
  CHECK(first.out.find(":curator@") == std::string::npos);  // no password in the URL shown

  const auto again = w.run({"--json", "migrate"});
  REQUIRE(again.exit == 0);
  const auto e = again.event("migrated");
  CHECK(e.at("applied").as_array().empty());
  CHECK(e.at("version").as_int64() == w.db().latest_version());
  CHECK(w.db().applied_migrations().size() == static_cast<std::size_t>(w.db().latest_version()));
}

TEST_CASE("curatorctl: a MariaDB database must be migrated first; unreachable ones exit 4") {
  curator::test::CliWorld<OnMysql> w;
  const auto before = w.run({"batches", "--all"});
  CHECK(before.exit == 4);
  CHECK(before.err.find("curatorctl migrate") != std::string::npos);
  REQUIRE(w.run({"migrate"}).exit == 0);
  CHECK(w.run({"batches", "--all"}).exit == 0);

  const auto down = w.run({"--database", "mysql://curator:pw@127.0.0.1:1/curator", "migrate"});
  CHECK(down.exit == 4);
  CHECK(down.err.find(":pw@") == std::string::npos);
}

TEST_CASE("curatorctl: the embedded database is created in the data directory") {
  World w;
  const auto r = w.run_with({{"CURATOR_DATABASE_URL", ""}}, {"batches", "--all"});
  REQUIRE_MESSAGE(r.exit == 0, r.err);
  CHECK(std::filesystem::exists(w.home() / "data/curator/curator.sqlite"));
  const auto data = w.run_with({{"CURATOR_DATABASE_URL", ""}, {"CURATOR_DATA_DIR", ""}},
                               {"--data-dir", (w.home() / "elsewhere").string(), "migrate"});
  CHECK(data.exit == 0);
  CHECK(std::filesystem::exists(w.home() / "elsewhere/curator.sqlite"));
}
