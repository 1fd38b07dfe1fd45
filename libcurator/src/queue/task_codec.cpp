#include "queue/task_codec.hpp"

#include <fmt/format.h>

#include <charconv>
#include <limits>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"

namespace curator::queue::detail {
namespace {

[[noreturn]] void refuse(std::string message) {
  throw Error(ErrorKind::invalid_input, std::move(message), "invalid_task");
}

void put(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

// Reads one `<len>:<bytes>` field; the length has no sign and no leading zeros.
std::optional<std::string_view> take(std::string_view& in) {
  const auto colon = in.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 10) return std::nullopt;
  if (in[0] == '0' && colon != 1) return std::nullopt;
  std::size_t len = 0;
  const auto [end, ec] = std::from_chars(in.data(), in.data() + colon, len);
  if (ec != std::errc{} || end != in.data() + colon) return std::nullopt;
  if (in.size() - colon - 1 < len) return std::nullopt;
  const auto field = in.substr(colon + 1, len);
  in.remove_prefix(colon + 1 + len);
  return field;
}

template <typename Int>
std::optional<Int> to_int(std::string_view text) {
  Int value{};
  if (text.empty() || text.size() > 20) return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  if (std::to_string(value) != text) return std::nullopt;  // canonical digits only
  return value;
}

}  // namespace

void validate_task(const Task& task) {
  if (task.upload_id <= 0)
    refuse(fmt::format("task upload_id must be positive, not {}", task.upload_id));
  if (task.user_id.empty()) refuse("task user_id is empty");
  if (task.user_id.size() > kMaxUserIdBytes) {
    refuse(fmt::format("task user_id is {} bytes; at most {} are allowed", task.user_id.size(),
                       kMaxUserIdBytes));
  }
  if (task.edit_group_id.size() > kMaxEditGroupIdBytes) {
    refuse(fmt::format("task edit_group_id is {} bytes; at most {} are allowed",
                       task.edit_group_id.size(), kMaxEditGroupIdBytes));
  }
  if (task.attempt < 0)
    refuse(fmt::format("task attempt must not be negative, not {}", task.attempt));
}

void validate_consumer(std::string_view consumer) {
  if (consumer.empty()) refuse("the consumer name is empty");
  if (consumer.size() > kMaxConsumerBytes) {
    refuse(fmt::format("the consumer name is {} bytes; at most {} are allowed", consumer.size(),
                       kMaxConsumerBytes));
  }
}

void validate_batch(std::size_t max) {
  if (max < 1 || max > kMaxFetchBatch) {
    refuse(fmt::format("a fetch batch must ask for 1 to {} tasks, not {}", kMaxFetchBatch, max));
  }
}

void validate_options(const TaskQueueOptions& options) {
  if (options.visibility_timeout.count() <= 0) {
    throw Error(ErrorKind::invalid_input, "the visibility timeout must be positive");
  }
  if (options.max_deliveries < 1) {
    throw Error(ErrorKind::invalid_input, "max_deliveries must be at least 1");
  }
}

std::string expiry_reason(int deliveries) {
  return fmt::format(
      "not acknowledged after {} deliveries (each consumer held it past the visibility timeout)",
      deliveries);
}

std::string nack_reason(int deliveries, std::string_view reason) {
  return fmt::format("gave up after {} deliveries: {}", deliveries, reason.substr(0, 1000));
}

void report_dead_letters(const TaskQueue::DeadLetterHandler& handler,
                         const std::vector<DeadLetter>& dead) {
  for (const auto& d : dead) {
    log::warning("queue", fmt::format("upload {} dead-lettered: {}", d.task.upload_id, d.reason));
    if (!handler) continue;
    try {
      handler(d);
    } catch (const std::exception& e) {
      log::error("queue", fmt::format("dead-letter handler failed for upload {}: {}",
                                      d.task.upload_id, e.what()));
    }
  }
}

std::string encode_task(const Task& task) {
  std::string out = "1;";
  out.reserve(32 + task.user_id.size() + task.edit_group_id.size());
  put(out, std::to_string(task.upload_id));
  put(out, task.user_id);
  put(out, task.edit_group_id);
  put(out, std::to_string(task.attempt));
  return out;
}

std::optional<Task> decode_task(std::string_view text) {
  if (!text.starts_with("1;")) return std::nullopt;
  text.remove_prefix(2);
  const auto id = take(text);
  const auto user = take(text);
  const auto group = take(text);
  const auto attempt = take(text);
  if (!id || !user || !group || !attempt || !text.empty()) return std::nullopt;
  Task task;
  const auto upload_id = to_int<std::int64_t>(*id);
  const auto attempt_value = to_int<int>(*attempt);
  if (!upload_id || !attempt_value) return std::nullopt;
  task.upload_id = *upload_id;
  task.user_id = std::string(*user);
  task.edit_group_id = std::string(*group);
  task.attempt = *attempt_value;
  try {
    validate_task(task);
  } catch (const Error&) {
    return std::nullopt;
  }
  return task;
}

}  // namespace curator::queue::detail
