#pragma once
// An embedded-mode environment for pipeline unit tests: a migrated SQLite
// file in a temporary directory, the in-process queue parts, a Fernet key,
// and a user with a batch. Commons is an address nothing listens on: tests
// here stop before any request would be sent.

#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <string>

#include "curator/auth/fernet.hpp"
#include "curator/core/log.hpp"
#include "curator/pipeline/environment.hpp"
#include "curator/queue/coordination.hpp"
#include "curator/store/batches.hpp"
#include "curator/store/database.hpp"
#include "curator/store/uploads.hpp"
#include "curator/store/users.hpp"
#include "test_support.hpp"

namespace curator::pipeline::local {

inline store::NewUpload item(const std::string& key) {
  store::NewUpload n;
  n.key = key;
  n.filename = "Photo " + key + ".jpg";
  n.wikitext = "test " + key;
  return n;
}

struct LocalEnv {
  curator::test::TempDir dir;
  std::string url = "sqlite://" + (dir.path() / "curator.db").string();
  /// Seconds added to the database's clock (leases expire without waiting).
  std::shared_ptr<std::atomic<long long>> skew = std::make_shared<std::atomic<long long>>(0);
  store::Database db = [this] {
    log::configure(log::Level::warning, log::Format::text);
    store::DatabaseOptions o;
    o.clock = [s = skew] { return now_utc_seconds() + std::chrono::seconds(s->load()); };
    auto d = store::Database::open(url, o);
    d.migrate();
    return d;
  }();
  queue::Coordination coordination = queue::make_coordination({});
  std::string key = auth::generate_fernet_key();
  JobEnvironment env = [this] {
    JobEnvironment e;
    e.database = &db;
    e.hash_locks = coordination.hash_locks;
    e.rates = coordination.rates;
    e.events = coordination.events;
    e.fernet = std::make_shared<const auth::Fernet>(key);
    e.user_rates = std::make_shared<UserRates>();
    e.commons.api_url = "http://127.0.0.1:9/api.php";
    e.commons.http.user_agent.contact = "https://example.org/curator-tests";
    e.commons.http.connect_timeout = std::chrono::milliseconds(200);
    e.download_http.user_agent.contact = "https://example.org/curator-tests";
    e.source_context.config.contact_url = "https://example.org/curator-tests";
    e.options.temp_dir = dir.path();
    return e;
  }();
  store::Batch batch = [this] {
    store::UserRepository(db).ensure("1001", "Alice");
    return store::BatchRepository(db).create("1001");
  }();

  std::string token(const Credentials& c = BotPassword{"Alice@test", "secret"}) {
    return auth::encrypt_credentials(*env.fernet, c);
  }
  /// Queued rows of user 1001 in the batch, due now.
  std::vector<store::Id> add(int n, std::optional<std::string> access_token = std::nullopt,
                             std::string handler = "mapillary") {
    std::vector<store::NewUpload> items;
    for (int i = 0; i < n; ++i)
      items.push_back(item(std::to_string(9000000000000000LL + i)));
    return store::UploadRepository(db).create(batch.id, "1001", handler,
                                              access_token ? access_token : token(), items);
  }
  store::UploadRequest row(store::Id id) {
    auto r = store::UploadRepository(db).find(id);
    REQUIRE(r.has_value());
    return *r;
  }
};

}  // namespace curator::pipeline::local
