#pragma once
// One TCP connection to Redis with its own I/O: hiredis only connects,
// formats commands and parses replies; every read and write waits with
// poll() against a deadline, so a command can never hang past its timeout,
// and the bytes of each reply are counted so that a huge reply is refused.
// Shared by RedisClient (request/reply) and the pub/sub listener (which polls
// the socket together with its wake-up fd).

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "curator/core/error.hpp"
#include "curator/queue/redis_client.hpp"

struct redisContext;
struct redisReader;

namespace curator::queue::detail {

using SteadyClock = std::chrono::steady_clock;
using Deadline = SteadyClock::time_point;

class RedisConnection {
 public:
  explicit RedisConnection(RedisOptions options);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  /// Connects, authenticates and selects the database unless already open
  /// and healthy (a socket the server closed while idle is reopened).
  void ensure_open();
  bool is_open() const noexcept { return context_ != nullptr; }
  void close() noexcept;
  int fd() const noexcept;

  /// Writes one command (connecting first when closed); throws (and
  /// closes) on error or past `deadline`.
  void send(std::span<const std::string_view> args, Deadline deadline);
  /// Reads one reply; throws (and closes) on error, EOF or past `deadline`.
  RedisReply receive(Deadline deadline);
  /// ensure_open() + send() + receive().
  RedisReply round_trip(std::span<const std::string_view> args, Deadline deadline);

  /// A reply already complete in the read buffer, if any (never reads).
  std::optional<RedisReply> next_buffered();
  /// Reads what the socket has now (after poll said it is readable); throws
  /// (and closes) on EOF, error or an oversize reply.
  void read_available();

  const RedisOptions& options() const noexcept { return options_; }
  const std::string& endpoint() const noexcept { return endpoint_; }

 private:
  [[noreturn]] void fail(ErrorKind kind, std::string_view code, std::string_view what);
  void open();
  void write_all(std::string_view bytes, Deadline deadline);
  bool wait_readable(Deadline deadline);
  void feed(const char* data, std::size_t size);

  RedisOptions options_;
  std::string host_;
  int port_ = 6379;
  std::string username_;
  std::string password_;
  int db_ = 0;
  std::string endpoint_;
  redisContext* context_ = nullptr;
  redisReader* reader_ = nullptr;
  std::size_t reply_bytes_ = 0;  // bytes fed since the last complete reply
};

/// Converts a hiredis reply tree into a RedisReply.
RedisReply convert_reply(const void* hiredis_reply);

std::chrono::milliseconds remaining(Deadline deadline);

}  // namespace curator::queue::detail
