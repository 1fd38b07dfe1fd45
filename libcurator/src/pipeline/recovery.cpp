#include "curator/pipeline/recovery.hpp"

#include <fmt/format.h>

#include <map>
#include <utility>

#include "curator/auth/fernet.hpp"
#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "curator/pipeline/events.hpp"
#include "curator/store/uploads.hpp"

namespace curator::pipeline {

namespace {
constexpr std::string_view kLog = "pipeline";

struct Group {
  std::string userid;
  std::string edit_group_id;
  std::string token;  // the first row's
  std::vector<store::Id> ids;
};
}  // namespace

CredentialCheck userinfo_check(const JobEnvironment& environment) {
  return [&environment](const Credentials& credentials) {
    auto options = environment.commons;
    options.retry.max_attempts = 2;
    mediawiki::MediaWikiClient client(std::move(options), credentials);
    const auto info = client.user_info();
    if (info.anonymous || info.id == 0) {
      throw Error(ErrorKind::auth, "the wiki does not recognise this login", "session_expired");
    }
  };
}

RecoveryReport recover_queued_uploads(const JobEnvironment& environment, queue::LeaderLease& leases,
                                      const CredentialCheck& check, std::string_view sentinel) {
  if (!leases.claim_sentinel(sentinel, std::nullopt)) return {};
  return check_queued_uploads(environment, check);
}

RecoveryReport check_queued_uploads(const JobEnvironment& environment,
                                    const CredentialCheck& check) {
  RecoveryReport report;
  report.ran = true;
  store::UploadRepository uploads(*environment.database);
  const auto rows = uploads.recoverable();

  // Group by (user, edit group), in order of first appearance.
  std::vector<Group> groups;
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  for (const auto& r : rows) {
    const auto key = std::make_pair(r.userid, r.edit_group_id);
    auto [it, added] = index.emplace(key, groups.size());
    if (added) groups.push_back(Group{r.userid, r.edit_group_id, r.access_token, {}});
    groups[it->second].ids.push_back(r.id);
  }
  report.groups = groups.size();

  for (const auto& g : groups) {
    auto& bucket = [&]() -> std::vector<store::Id>& {
      try {
        const auto credentials = auth::decrypt_credentials(*environment.fernet, g.token);
        check(credentials);
        return report.accepted;
      } catch (const Error& e) {
        if (e.kind() == ErrorKind::auth || e.kind() == ErrorKind::invalid_input) {
          log::warning(kLog, fmt::format("user {}: stored login refused ({}); {} upload(s) expire",
                                         g.userid, e.what(), g.ids.size()));
          return report.expired;
        }
        log::warning(kLog, fmt::format("user {}: login not checked ({}); uploads stay queued",
                                       g.userid, e.what()));
        return report.unchecked;
      }
    }();
    bucket.insert(bucket.end(), g.ids.begin(), g.ids.end());
  }

  if (!report.expired.empty()) {
    uploads.expire_sessions(report.expired);  // one statement, queued rows only
    std::vector<store::Id> failed;
    for (const auto id : report.expired) {
      if (const auto row = uploads.find(id); row && row->status == UploadStatus::failed) {
        publish_status(environment.events.get(), status_event_of(*row));
        failed.push_back(id);
      }
    }
    report.expired = std::move(failed);
  }
  log::info(kLog, fmt::format("recovery: {} queued upload(s) in {} group(s): {} accepted, {} "
                              "unchecked, {} expired",
                              rows.size(), groups.size(), report.accepted.size(),
                              report.unchecked.size(), report.expired.size()));
  return report;
}

}  // namespace curator::pipeline
