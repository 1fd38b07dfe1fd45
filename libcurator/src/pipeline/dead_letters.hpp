#pragma once
// What a task the queue gave up on does to its upload. The queue only knows
// it handed the task out too often; the row decides: a queued row ends
// failed with a reason the user can read (a conditional transition, so a row
// that moved on meanwhile is left alone; the access token is erased as on
// every terminal transition; a status event is published). A row a worker
// holds (in_progress) is left to that worker, or, if the worker is gone, to
// the sweeper and the row's own interruption budget.

#include <string>

#include "curator/pipeline/environment.hpp"
#include "curator/queue/task_queue.hpp"

namespace curator::pipeline::detail {

/// The message stored in the failed row's structured error.
std::string dead_letter_message(const queue::DeadLetter& dead);

/// Fails the dead letter's upload if it is still queued; true when this call
/// failed it. Never throws (a dead-letter handler runs on a fetching worker):
/// a database error is logged, and the row stays queued for the dispatcher.
bool fail_dead_letter(const JobEnvironment& env, const queue::DeadLetter& dead) noexcept;

}  // namespace curator::pipeline::detail
