#pragma once
// Start-up recovery (upstream-pipeline.md §5): when the queue's sentinel is
// missing (first start, or Redis was wiped), the queued uploads are checked
// before they are dispatched again. The sentinel is set with NX, so of
// several processes starting at once only one recovers. Queued rows are
// grouped by user and edit group in order of first appearance; the login of
// each group's first row is decrypted and checked with the wiki; groups
// whose login is refused fail in one statement with the session-expired
// error (their tokens are erased). A check that cannot reach the wiki
// expires nothing: those rows stay queued and fail on their own if the login
// is really gone.

#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

#include "curator/core/credentials.hpp"
#include "curator/export.hpp"
#include "curator/pipeline/environment.hpp"
#include "curator/store/records.hpp"

namespace curator::pipeline {

/// Throws Error(auth) when the wiki refuses `credentials`; other errors mean
/// "could not check".
using CredentialCheck = std::function<void(const Credentials& credentials)>;

/// The default check: meta=userinfo with the credentials must name a user.
CURATOR_API CredentialCheck userinfo_check(const JobEnvironment& environment);

struct RecoveryReport {
  bool ran = false;                  // false: the sentinel was there, nothing to do
  std::size_t groups = 0;            // (user, edit group) pairs checked
  std::vector<store::Id> accepted;   // rows whose group's login the wiki accepted
  std::vector<store::Id> unchecked;  // rows whose check could not be made
  std::vector<store::Id> expired;    // rows failed with the session-expired error
};

inline constexpr std::string_view kRecoverySentinel = "started";

/// Runs recovery if this process sets the sentinel. Publishes a status event
/// for every expired row. The caller then dispatches everything due again
/// (Dispatcher::forget).
CURATOR_API RecoveryReport recover_queued_uploads(const JobEnvironment& environment,
                                                  queue::LeaderLease& leases,
                                                  const CredentialCheck& check,
                                                  std::string_view sentinel = kRecoverySentinel);
/// The recovery itself, without the sentinel (for a caller that set it).
CURATOR_API RecoveryReport check_queued_uploads(const JobEnvironment& environment,
                                                const CredentialCheck& check);

}  // namespace curator::pipeline
