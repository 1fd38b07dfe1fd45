#pragma once
// Bounded fan-out for listing work: run n independent tasks on at most
// `limit` threads. Threads are started per call (a listing is seconds of
// network time, so a pool would save nothing measurable) and joined before
// returning.

#include <cstddef>
#include <functional>

namespace curator::sources {

/// Runs task(i) for every i in [0, n) on at most `limit` threads (limit < 1
/// counts as 1). After a task throws, no new task starts; the first
/// exception is rethrown once every thread has stopped.
void run_bounded(std::size_t n, int limit, const std::function<void(std::size_t)>& task);

}  // namespace curator::sources
