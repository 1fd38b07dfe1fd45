#pragma once
// The pipeline's tunables: how long a worker's lease on an upload lasts and
// how often it is renewed, the retry budget of each failure reason (the
// delays between requeues; their count is the budget), and the dispatcher's
// pace. Plain values with the production defaults; tests shrink the times.
// Knows nothing of where the values come from (Config, flags).

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <vector>

#include "curator/export.hpp"
#include "curator/store/records.hpp"

namespace curator::pipeline {

using Delays = std::vector<std::chrono::milliseconds>;

/// Requeue delays per RetryReason: the n-th requeue for a reason waits
/// delays[n]; when they are used up the upload fails with the last error.
/// Each reason counts on its own (`attempts_<reason>` columns), so a hash-lock
/// wait never uses up the source's retry.
struct RetryBudgets {
  /// The image source or its CDN kept failing (upstream: 600 s, once).
  Delays source{std::chrono::seconds(600)};
  /// Commons' upload stash failed (upstream: 300, 600, 900 s).
  Delays storage{std::chrono::seconds(300), std::chrono::seconds(600), std::chrono::seconds(900)};
  /// Another worker was uploading the same bytes (upstream: 60 s, three times).
  Delays hash_lock{std::chrono::seconds(60), std::chrono::seconds(60), std::chrono::seconds(60)};
  /// Commons said "ratelimited" after the client's own waits; a longer
  /// Retry-After wins.
  Delays rate_limited{std::chrono::seconds(60), std::chrono::seconds(300),
                      std::chrono::seconds(900)};
  /// Network errors, 5xx, maxlag or read-only wikis, the database or Redis
  /// briefly away (the download delays: 3, 5, 10 s).
  Delays transient{std::chrono::seconds(3), std::chrono::seconds(5), std::chrono::seconds(10)};
  /// Times a worker may vanish (crash, kill, stop) while holding the upload
  /// before it fails as "interrupted too often". Counted by the lease sweeper.
  int interruptions = 5;

  const Delays& delays(store::RetryReason reason) const;
};

struct PipelineOptions {
  /// A claimed upload belongs to its worker this long; renewed every
  /// heartbeat. A killed worker's upload is taken over after at most
  /// lease + sweep_interval.
  std::chrono::seconds lease{120};
  std::chrono::milliseconds heartbeat{std::chrono::seconds(30)};
  /// The hash lock on a file's SHA-1 (renewed with the lease).
  std::chrono::milliseconds hash_lock_ttl{std::chrono::seconds(120)};

  RetryBudgets retry{};
  /// Waits between download attempts inside one run (3, 5, 10 s upstream).
  Delays download_retry{std::chrono::seconds(3), std::chrono::seconds(5), std::chrono::seconds(10)};
  /// Waits between attempts of a source's API inside one run.
  Delays source_retry{std::chrono::seconds(2), std::chrono::seconds(4), std::chrono::seconds(8)};
  /// MediaWiki client retries (network, 5xx, maxlag): first wait, doubling, cap.
  std::chrono::milliseconds api_retry_delay{std::chrono::seconds(1)};
  std::chrono::milliseconds api_retry_max_delay{std::chrono::seconds(30)};
  int api_rate_limited_retries = 2;
  std::chrono::milliseconds api_rate_limited_delay{std::chrono::seconds(15)};

  /// Upload chunk size (Config::chunk_size); async assembly on the wiki.
  std::size_t chunk_size = 5u << 20;
  bool async_upload = true;
  std::uint64_t max_file_bytes = std::uint64_t{1} << 30;
  /// Where downloads go (a private directory is best); empty: the system's.
  std::filesystem::path temp_dir{};

  /// Dispatcher: a pass every `dispatch_interval` (sooner when woken), at
  /// most `dispatch_per_user` tasks of one user waiting in the queue and
  /// `dispatch_batch` per pass. A row dispatched `redispatch_after` ago that
  /// is still queued and due is dispatched again (its task was lost).
  std::chrono::milliseconds dispatch_interval{1000};
  std::size_t dispatch_per_user = 8;
  std::size_t dispatch_batch = 2000;
  std::chrono::milliseconds redispatch_after{std::chrono::minutes(10)};
  /// The lease sweeper's pace (expired leases go back to the queue).
  std::chrono::milliseconds sweep_interval{std::chrono::seconds(30)};
  /// The leader lease the dispatcher and sweeper passes run under.
  std::chrono::milliseconds leader_ttl{std::chrono::seconds(15)};

  /// How long a worker waits on the queue per fetch (stop latency).
  std::chrono::milliseconds fetch_wait{std::chrono::seconds(1)};
  /// A user's upload rate (from userinfo) is looked up again after this.
  std::chrono::seconds rate_cache_ttl{600};
};

}  // namespace curator::pipeline
