// The batch operations of TaskQueue for implementations whose single calls
// are already cheap (the in-process queue): a loop, with the same contract.

#include "curator/queue/task_queue.hpp"

#include "queue/task_codec.hpp"

namespace curator::queue {

std::vector<Delivery> TaskQueue::fetch_many(std::string_view consumer, std::size_t max,
                                            std::chrono::milliseconds timeout) {
  detail::validate_consumer(consumer);
  detail::validate_batch(max);
  std::vector<Delivery> out;
  auto first = fetch(consumer, timeout);
  if (!first) return out;
  out.push_back(std::move(*first));
  while (out.size() < max) {
    auto next = fetch(consumer, std::chrono::milliseconds(0));
    if (!next) break;
    out.push_back(std::move(*next));
  }
  return out;
}

std::vector<bool> TaskQueue::ack_many(std::span<const Delivery> deliveries) {
  std::vector<bool> out;
  out.reserve(deliveries.size());
  for (const auto& d : deliveries)
    out.push_back(ack(d));
  return out;
}

AckedBatch TaskQueue::ack_and_fetch(std::span<const Delivery> done, std::string_view consumer,
                                    std::size_t max, std::chrono::milliseconds timeout) {
  detail::validate_consumer(consumer);
  detail::validate_batch(max);
  AckedBatch out;
  out.acked = ack_many(done);
  out.deliveries = fetch_many(consumer, max, timeout);
  return out;
}

}  // namespace curator::queue
