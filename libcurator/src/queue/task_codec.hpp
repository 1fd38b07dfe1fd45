#pragma once
// Validation shared by both TaskQueue implementations, and the binary-safe
// text form a Task takes inside Redis (length-prefixed fields, so user ids
// with any bytes, NUL included, round-trip).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/queue/task_queue.hpp"

namespace curator::queue::detail {

/// Throws Error(invalid_input) naming the field and the limit.
void validate_task(const Task& task);
void validate_consumer(std::string_view consumer);
void validate_batch(std::size_t max);
void validate_options(const TaskQueueOptions& options);

/// Dead-letter reasons, worded the same by both implementations.
std::string expiry_reason(int deliveries);
std::string nack_reason(int deliveries, std::string_view reason);

/// Logs each dead letter and passes it to `handler` (when set); a throwing
/// handler is logged, never propagated into the fetching worker.
void report_dead_letters(const TaskQueue::DeadLetterHandler& handler,
                         const std::vector<DeadLetter>& dead);

/// `1;<len>:<upload_id><len>:<user_id><len>:<edit_group_id><len>:<attempt>`.
std::string encode_task(const Task& task);
/// Nullopt for anything encode_task() would not have written.
std::optional<Task> decode_task(std::string_view text);

}  // namespace curator::queue::detail
