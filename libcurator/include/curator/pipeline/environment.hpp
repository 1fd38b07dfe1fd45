#pragma once
// JobEnvironment: everything an upload job needs from the rest of libcurator,
// gathered once per process and shared by the workers: the database, the
// hash lock, rate limiter and event bus of the mode (embedded or
// distributed), the token cipher, how to reach Commons and the sources, and
// the pipeline's options. UserRates caches each user's upload rate as the
// wiki reports it. Owns no threads; knows nothing of queues or workers.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "curator/auth/fernet.hpp"
#include "curator/core/config.hpp"
#include "curator/core/credentials.hpp"
#include "curator/export.hpp"
#include "curator/http/client.hpp"
#include "curator/mediawiki/client.hpp"
#include "curator/pipeline/options.hpp"
#include "curator/pipeline/progress.hpp"
#include "curator/queue/coordination.hpp"
#include "curator/sources/registry.hpp"
#include "curator/store/database.hpp"

namespace curator::pipeline {

/// The effective upload rate of each user (queue::effective_rate over
/// meta=userinfo), cached for a while; the fallback (4 per 60 s, as the
/// Python service) when the wiki cannot say. Thread-safe.
class CURATOR_API UserRates {
 public:
  explicit UserRates(std::chrono::seconds ttl = std::chrono::seconds(600),
                     queue::Rate fallback = queue::kDefaultRate);

  /// The cached rate, or asks the wiki through `client` (which acts as the user).
  queue::Rate rate(std::string_view userid, mediawiki::MediaWikiClient& client);
  void remember(std::string_view userid, queue::Rate rate);
  std::optional<queue::Rate> cached(std::string_view userid) const;

 private:
  struct Entry {
    queue::Rate rate;
    std::chrono::steady_clock::time_point until;
  };
  std::chrono::seconds ttl_;
  queue::Rate fallback_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
};

/// meta=userinfo&uiprop=ratelimits|rights with `client`, then the Python
/// service's formula; `fallback` (logged) when the call or the answer fails.
CURATOR_API queue::Rate lookup_rate(mediawiki::MediaWikiClient& client,
                                    queue::Rate fallback = queue::kDefaultRate);

struct CURATOR_API JobEnvironment {
  store::Database* database = nullptr;
  std::shared_ptr<queue::HashLock> hash_locks;
  std::shared_ptr<queue::RateLimiter> rates;
  std::shared_ptr<queue::EventBus> events;  // null: no events
  std::shared_ptr<const auth::Fernet> fernet;
  std::shared_ptr<UserRates> user_rates;
  /// Byte progress of this process's jobs (progress.hpp); empty: none.
  ProgressSink on_progress;

  /// How to reach Commons (api_url, the OAuth consumer, HTTP options). Each
  /// job makes its own client with the upload's credentials; retry waits
  /// are replaced by ones a cancellation interrupts.
  mediawiki::ClientOptions commons;
  /// The Wikibase site id of that wiki (wbeditentity site=…).
  std::string site = "commonswiki";
  sources::SourceRegistry sources = sources::SourceRegistry::with_builtin_sources();
  sources::SourceContext source_context;
  http::ClientOptions download_http;
  PipelineOptions options;

  /// Everything from the configuration and the mode's coordination parts.
  /// Throws Error(invalid_input) naming the variable when the token key or
  /// the Commons API URL is missing.
  static JobEnvironment from_config(const Config& config, store::Database& database,
                                    const queue::Coordination& coordination,
                                    PipelineOptions options = {});
};

}  // namespace curator::pipeline
