#pragma once
// A small synchronous Redis client for the distributed mode: one connection
// per RedisClient, binary-safe arguments, replies as a plain C++ variant,
// every reply bounded in size, lazy reconnect, AUTH/SELECT from the
// `redis://` URL, EVALSHA with a SCRIPT LOAD fallback, and a pool of clients.
// It knows nothing about tasks, locks or events; hiredis stays behind pimpl.
//
// Failures throw curator::Error: connection problems and timeouts are
// `transient` (code "redis_unavailable" / "redis_timeout"); error replies are
// `transient` when Redis says the condition is temporary (LOADING, BUSY, OOM,
// READONLY, TRYAGAIN, MASTERDOWN, CLUSTERDOWN, NOREPLICAS) and `permanent`
// otherwise (code "redis_error"). No message ever contains the password.

#include <chrono>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "curator/export.hpp"

namespace curator::queue {

struct RedisOptions {
  /// `redis://[:password@]host[:port][/db]` (see curator::parse_redis_url).
  std::string url;
  std::chrono::milliseconds connect_timeout{3000};
  /// Time allowed for one command's round trip (blocking commands add their own wait).
  std::chrono::milliseconds command_timeout{5000};
  /// A reply larger than this closes the connection and throws
  /// Error(permanent, code "redis_reply_too_large").
  std::size_t max_reply_bytes = 8u << 20;
  /// A command whose encoded form is larger than this is refused before it
  /// is sent (Error(invalid_input), code "redis_request_too_large").
  std::size_t max_request_bytes = 16u << 20;
  /// CLIENT SETNAME on connect when not empty (shows in CLIENT LIST):
  /// 1..64 printable ASCII characters without spaces.
  std::string client_name;
};

struct RedisNil {
  bool operator==(const RedisNil&) const = default;
};
struct RedisStatus {
  std::string text;
  bool operator==(const RedisStatus&) const = default;
};
struct RedisErrorReply {
  std::string text;
  bool operator==(const RedisErrorReply&) const = default;
};

/// One RESP2 reply. Bulk strings are std::string (binary-safe).
class CURATOR_API RedisReply {
 public:
  using Array = std::vector<RedisReply>;
  using Value = std::variant<RedisNil, long long, std::string, RedisStatus, RedisErrorReply, Array>;

  RedisReply() = default;
  explicit RedisReply(Value value) : value_(std::move(value)) {}

  const Value& value() const noexcept { return value_; }
  bool is_nil() const noexcept { return std::holds_alternative<RedisNil>(value_); }
  bool is_error() const noexcept { return std::holds_alternative<RedisErrorReply>(value_); }
  bool is_array() const noexcept { return std::holds_alternative<Array>(value_); }
  bool is_integer() const noexcept { return std::holds_alternative<long long>(value_); }
  bool is_string() const noexcept { return std::holds_alternative<std::string>(value_); }

  /// Typed access; the wrong type throws Error(permanent, code "redis_unexpected_reply").
  long long integer() const;
  /// A bulk string or a status text.
  const std::string& text() const;
  const Array& array() const;
  /// The error reply's text (empty when this is not an error).
  std::string error_text() const;

  /// A short description for messages (type and a bounded excerpt).
  std::string describe() const;

  bool operator==(const RedisReply&) const = default;

 private:
  Value value_;
};

/// A Lua script with its SHA-1, for RedisClient::eval.
class CURATOR_API RedisScript {
 public:
  explicit RedisScript(std::string source);
  const std::string& source() const noexcept { return source_; }
  const std::string& sha1() const noexcept { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;
};

/// One connection, used by one thread at a time. It connects on first use
/// and again after any I/O error or timeout (the connection's state is then
/// unknown, so it is dropped); a command in flight is never resent.
class CURATOR_API RedisClient {
 public:
  /// Validates the URL (Error(invalid_input)); does not connect yet.
  explicit RedisClient(RedisOptions options);
  ~RedisClient();
  RedisClient(RedisClient&&) noexcept;
  RedisClient& operator=(RedisClient&&) noexcept;
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  /// Sends one command and returns its reply; error replies are returned as
  /// values. `extra_wait` lengthens the deadline for blocking commands
  /// (BLPOP and the like) beyond command_timeout.
  RedisReply call(std::span<const std::string_view> args,
                  std::chrono::milliseconds extra_wait = std::chrono::milliseconds(0));
  RedisReply call(std::initializer_list<std::string_view> args) {
    return call(std::span<const std::string_view>(args.begin(), args.size()));
  }

  /// As call(), but an error reply throws curator::Error.
  RedisReply command(std::span<const std::string_view> args,
                     std::chrono::milliseconds extra_wait = std::chrono::milliseconds(0));
  RedisReply command(std::initializer_list<std::string_view> args) {
    return command(std::span<const std::string_view>(args.begin(), args.size()));
  }

  /// EVALSHA; on NOSCRIPT it loads the script (SCRIPT LOAD) and retries once.
  /// An error reply throws.
  RedisReply eval(const RedisScript& script, std::span<const std::string_view> keys,
                  std::span<const std::string_view> args);
  RedisReply eval(const RedisScript& script, std::initializer_list<std::string_view> keys,
                  std::initializer_list<std::string_view> args) {
    return eval(script, std::span<const std::string_view>(keys.begin(), keys.size()),
                std::span<const std::string_view>(args.begin(), args.size()));
  }

  bool connected() const noexcept;
  /// Closes the connection (the next command reconnects).
  void disconnect() noexcept;
  const RedisOptions& options() const noexcept;
  /// `host:port` (never the password), for messages.
  const std::string& endpoint() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Throws the curator::Error an error reply stands for (see the top of this
/// file); `context` names the operation in the message.
[[noreturn]] CURATOR_API void throw_reply_error(const RedisReply& reply, std::string_view context);

/// Clients for many threads. A lease hands one client to one thread and
/// gives it back when destroyed; the pool grows up to `max_clients` and keeps
/// at most `max_idle` idle connections. Each blocking command (a TaskQueue
/// fetch that waits) holds one client for its wait.
class CURATOR_API RedisPool {
 public:
  struct Limits {
    std::size_t max_clients = 64;
    std::size_t max_idle = 8;
  };

  class CURATOR_API Lease {
   public:
    Lease(Lease&&) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();
    RedisClient& operator*() const noexcept { return *client_; }
    RedisClient* operator->() const noexcept { return client_.get(); }

   private:
    friend class RedisPool;
    struct State;
    Lease(std::shared_ptr<State> state, std::unique_ptr<RedisClient> client);
    std::shared_ptr<State> state_;
    std::unique_ptr<RedisClient> client_;
  };

  /// Validates the URL; connects lazily.
  explicit RedisPool(RedisOptions options, Limits limits);
  explicit RedisPool(RedisOptions options) : RedisPool(std::move(options), Limits{}) {}
  ~RedisPool();
  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  /// Waits up to command_timeout for a free client when all are leased, then
  /// throws Error(transient, code "redis_pool_exhausted").
  Lease acquire();
  const RedisOptions& options() const noexcept;

 private:
  std::shared_ptr<Lease::State> state_;
};

}  // namespace curator::queue
