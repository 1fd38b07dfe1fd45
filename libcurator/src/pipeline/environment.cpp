#include "curator/pipeline/environment.hpp"

#include <fmt/format.h>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"

namespace curator::pipeline {

const Delays& RetryBudgets::delays(store::RetryReason reason) const {
  static const Delays kNone{};
  switch (reason) {
    case store::RetryReason::source:
      return source;
    case store::RetryReason::storage:
      return storage;
    case store::RetryReason::hash_lock:
      return hash_lock;
    case store::RetryReason::rate_limited:
      return rate_limited;
    case store::RetryReason::transient:
      return transient;
    case store::RetryReason::lease_expired:
      break;
  }
  return kNone;  // interruptions are counted by the sweeper, not requeued by the job
}

UserRates::UserRates(std::chrono::seconds ttl, queue::Rate fallback)
    : ttl_(ttl), fallback_(fallback) {}

std::optional<queue::Rate> UserRates::cached(std::string_view userid) const {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(userid);
  if (it == entries_.end() || it->second.until < std::chrono::steady_clock::now()) {
    return std::nullopt;
  }
  return it->second.rate;
}

void UserRates::remember(std::string_view userid, queue::Rate rate) {
  std::lock_guard lock(mutex_);
  entries_[std::string(userid)] = Entry{rate, std::chrono::steady_clock::now() + ttl_};
}

queue::Rate UserRates::rate(std::string_view userid, mediawiki::MediaWikiClient& client) {
  if (auto hit = cached(userid)) return *hit;
  const auto rate = lookup_rate(client, fallback_);
  remember(userid, rate);
  return rate;
}

queue::Rate lookup_rate(mediawiki::MediaWikiClient& client, queue::Rate fallback) {
  try {
    mediawiki::ApiRequest request;
    request.params = {{"action", "query"}, {"meta", "userinfo"}, {"uiprop", "ratelimits|rights"}};
    return queue::effective_rate_or(client.call(request), fallback);
  } catch (const Error& e) {
    log::warning("pipeline", fmt::format("cannot read the user's rate limits ({}); using {}/{} s",
                                         e.what(), fallback.hits, fallback.seconds));
    return fallback;
  }
}

JobEnvironment JobEnvironment::from_config(const Config& config, store::Database& database,
                                           const queue::Coordination& coordination,
                                           PipelineOptions options) {
  if (config.token_encryption_key.empty()) {
    throw Error(ErrorKind::invalid_input,
                "CURATOR_TOKEN_ENCRYPTION_KEY must be set: workers decrypt the stored logins",
                "missing_variable");
  }
  if (config.commons_api_url.empty()) {
    throw Error(ErrorKind::invalid_input, "CURATOR_COMMONS_API_URL must be set",
                "missing_variable");
  }
  JobEnvironment env;
  env.database = &database;
  env.hash_locks = coordination.hash_locks;
  env.rates = coordination.rates;
  env.events = coordination.events;
  env.fernet = std::make_shared<const auth::Fernet>(config.token_encryption_key);
  options.chunk_size = config.chunk_size;
  env.user_rates = std::make_shared<UserRates>(
      options.rate_cache_ttl,
      queue::Rate{config.rate_limit_default_normal, config.rate_limit_default_period});
  env.commons.api_url = config.commons_api_url;
  env.commons.http.user_agent.contact = config.contact_url;
  if (!config.oauth1_key.empty()) {
    env.commons.oauth_consumer = auth::OAuthConsumer{config.oauth1_key, config.oauth1_secret};
  }
  env.source_context.config = config;
  env.download_http.user_agent.contact = config.contact_url;
  if (options.temp_dir.empty() && !config.data_dir.empty()) {
    options.temp_dir = std::filesystem::path(config.data_dir) / "tmp";
    std::error_code ec;
    std::filesystem::create_directories(options.temp_dir, ec);
    if (ec) options.temp_dir.clear();
  }
  env.options = std::move(options);
  return env;
}

}  // namespace curator::pipeline
