#pragma once
// TaskQueue: hands upload tasks to workers at least once, fairly across
// users. Two implementations share these semantics (and one test suite):
// Redis Streams with a consumer group for the distributed mode, and an
// in-process queue for the embedded mode. The queue only dispatches; it knows
// nothing about upload rows, their statuses or the database (the pipeline
// turns a dead letter into a failed row, and the database stays the source of
// truth, so a lost queue is rebuilt from it). See docs/queue.md.
//
// Fairness: each user has a backlog and users take turns (round-robin), so a
// user's first task waits for at most one task of every other user that has
// work queued, never for another user's whole batch.
//
// Delivery: fetch() hands a task to a consumer; the consumer acks it when
// done. A delivery not acked (nor touched) within the visibility timeout is
// handed to the next consumer that fetches; after `max_deliveries` the task
// becomes a dead letter instead (recorded, and reported to the handler).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "curator/export.hpp"

namespace curator::queue {

class RedisPool;

/// One upload to process. `user_id` decides fairness; it is binary-safe
/// (any bytes, 1..kMaxUserIdBytes). `attempt` belongs to the pipeline (its
/// retry counter); the queue carries it untouched.
struct Task {
  std::int64_t upload_id = 0;
  std::string user_id;
  std::string edit_group_id;
  int attempt = 0;
  bool operator==(const Task&) const = default;
};

inline constexpr std::size_t kMaxUserIdBytes = 256;
inline constexpr std::size_t kMaxEditGroupIdBytes = 256;
inline constexpr std::size_t kMaxConsumerBytes = 256;
/// The most tasks one fetch_many() hands out.
inline constexpr std::size_t kMaxFetchBatch = 1000;

/// A task handed to one consumer. Pass it back to ack/nack/touch.
struct Delivery {
  std::string receipt;   // identifies this delivery inside the queue
  std::string consumer;  // who received it
  Task task;
  int delivery_count = 1;  // 1 on the first delivery, counting nacks and expiries
};

/// A task the queue gave up on. The pipeline marks its row failed with `reason`.
struct DeadLetter {
  Task task;
  int deliveries = 0;
  std::string reason;
};

struct TaskQueueOptions {
  /// A delivery not acked or touched for this long is handed out again.
  std::chrono::milliseconds visibility_timeout{std::chrono::minutes(10)};
  /// Deliveries (first one included) before a task becomes a dead letter.
  int max_deliveries = 5;
  /// Dead letters kept for dead_letters() (older ones are dropped).
  std::size_t dead_letter_history = 10000;
};

/// What ack_and_fetch() did.
struct AckedBatch {
  std::vector<bool> acked;           // acked[i] is what ack(done[i]) returned
  std::vector<Delivery> deliveries;  // what fetch_many() returned
};

struct QueueStats {
  std::size_t waiting = 0;    // published, not yet delivered
  std::size_t in_flight = 0;  // delivered, not yet acked
  std::size_t users = 0;      // users with waiting tasks
  std::size_t dead = 0;       // dead letters kept
};

class CURATOR_API TaskQueue {
 public:
  using DeadLetterHandler = std::function<void(const DeadLetter&)>;

  virtual ~TaskQueue() = default;

  /// Appends to the user's backlog. Throws Error(invalid_input) for a task
  /// that breaks the limits (empty or oversize user id, upload_id <= 0, ...).
  virtual void publish(const Task& task) = 0;
  /// Publishes several tasks, in order (one round trip per few hundred).
  virtual void publish(std::span<const Task> tasks) = 0;

  /// The next task for `consumer`: a delivery whose visibility timeout ran
  /// out first, otherwise the next user's turn. Waits up to `timeout`;
  /// nullopt when nothing came (or the queue was closed).
  virtual std::optional<Delivery> fetch(std::string_view consumer,
                                        std::chrono::milliseconds timeout) = 0;

  /// Up to `max` tasks for `consumer` at once (1..kMaxFetchBatch, else
  /// Error(invalid_input)), in the order single fetches would hand them out
  /// (expired deliveries first, then users in turn). Waits up to `timeout`
  /// for the first; returns what is there then, never waits to fill the
  /// batch. Every task handed out is in flight from that moment (its
  /// visibility timeout runs), so ask only for as many as can start now:
  /// that also keeps the fairness bound at one task per free worker. The
  /// Redis queue does this in one round trip; the default loops on fetch().
  virtual std::vector<Delivery> fetch_many(std::string_view consumer, std::size_t max,
                                           std::chrono::milliseconds timeout);

  /// Done with it. False when the delivery is no longer this consumer's (its
  /// timeout ran out and it was handed to someone else): nothing changes then.
  virtual bool ack(const Delivery& delivery) = 0;
  /// ack() for several deliveries (any consumers); result i is ack(deliveries[i]).
  /// The Redis queue sends them in one round trip; the default loops on ack().
  virtual std::vector<bool> ack_many(std::span<const Delivery> deliveries);
  /// ack_many(done), then fetch_many(consumer, max, timeout). The Redis queue
  /// sends up to 256 acks with the first fetch: a consumer that keeps busy
  /// pays one round trip per batch. Bad arguments throw before any ack.
  virtual AckedBatch ack_and_fetch(std::span<const Delivery> done, std::string_view consumer,
                                   std::size_t max, std::chrono::milliseconds timeout);
  /// Gives the task back to the end of its user's backlog, or dead-letters it
  /// with `reason` when it has used its deliveries (returned then).
  /// Nullopt and no change when the delivery is no longer this consumer's.
  virtual std::optional<DeadLetter> nack(const Delivery& delivery, std::string_view reason) = 0;
  /// Restarts the visibility timeout of a long task. False when lost.
  virtual bool touch(const Delivery& delivery) = 0;

  /// Called (on the thread that noticed) for each task dead-lettered by
  /// fetch(); nack() returns its dead letter instead. Set before use.
  virtual void set_dead_letter_handler(DeadLetterHandler handler) = 0;
  /// The most recent dead letters, newest first.
  virtual std::vector<DeadLetter> dead_letters(std::size_t limit) = 0;

  virtual QueueStats stats() = 0;
  /// Wakes every waiting fetch; later fetches return nullopt at once.
  virtual void close() = 0;
};

CURATOR_API std::unique_ptr<TaskQueue> make_in_process_task_queue(TaskQueueOptions options = {});

/// Keys live under `{<name>}:q:`; every queue object with the same pool
/// server, database and name (in any process) is the same queue.
CURATOR_API std::unique_ptr<TaskQueue> make_redis_task_queue(std::shared_ptr<RedisPool> pool,
                                                             std::string name = "curator",
                                                             TaskQueueOptions options = {});

}  // namespace curator::queue
