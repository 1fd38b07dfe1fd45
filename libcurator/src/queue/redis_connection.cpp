#include "queue/redis_connection.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <hiredis.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "curator/core/config.hpp"

namespace curator::queue::detail {
namespace {

struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
struct CommandFree {
  void operator()(char* p) const { redisFreeCommand(p); }
};

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

RedisReply convert(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_STRING:
      return RedisReply(std::string(r->str, r->len));
    case REDIS_REPLY_STATUS:
      return RedisReply(RedisStatus{std::string(r->str, r->len)});
    case REDIS_REPLY_ERROR:
      return RedisReply(RedisErrorReply{std::string(r->str, r->len)});
    case REDIS_REPLY_INTEGER:
      return RedisReply(r->integer);
    case REDIS_REPLY_ARRAY: {
      RedisReply::Array items;
      items.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i)
        items.push_back(convert(r->element[i]));
      return RedisReply(std::move(items));
    }
    default:
      return RedisReply(RedisNil{});
  }
}

}  // namespace

RedisReply convert_reply(const void* hiredis_reply) {
  return convert(static_cast<const redisReply*>(hiredis_reply));
}

std::chrono::milliseconds remaining(Deadline deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return left.count() > 0 ? left : std::chrono::milliseconds(0);
}

RedisConnection::RedisConnection(RedisOptions options) : options_(std::move(options)) {
  const auto url = parse_redis_url(options_.url);
  host_ = url.host;
  port_ = url.port;
  username_ = url.username;
  password_ = url.password;
  db_ = url.db;
  endpoint_ = fmt::format("{}:{}", host_, port_);
  const auto& name = options_.client_name;
  if (name.size() > 64 ||
      std::any_of(name.begin(), name.end(), [](char ch) { return ch <= ' ' || ch > '~'; })) {
    throw Error(ErrorKind::invalid_input,
                "a redis client name must be 1 to 64 printable characters without spaces");
  }
}

RedisConnection::~RedisConnection() {
  close();
}

void RedisConnection::close() noexcept {
  if (reader_ != nullptr) redisReaderFree(reader_);
  if (context_ != nullptr) redisFree(context_);
  reader_ = nullptr;
  context_ = nullptr;
  reply_bytes_ = 0;
}

int RedisConnection::fd() const noexcept {
  return context_ != nullptr ? context_->fd : -1;
}

void RedisConnection::fail(ErrorKind kind, std::string_view code, std::string_view what) {
  close();
  throw Error(kind, fmt::format("redis {}: {}", endpoint_, what), std::string(code));
}

void RedisConnection::ensure_open() {
  if (context_ != nullptr) {
    // An idle connection must have nothing to read: readable means the
    // server closed it (or the stream is out of step), so start afresh.
    pollfd p{context_->fd, POLLIN, 0};
    if (::poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) close();
  }
  if (context_ == nullptr) open();
}

void RedisConnection::open() {
  redisContext* c =
      redisConnectWithTimeout(host_.c_str(), port_, to_timeval(options_.connect_timeout));
  if (c == nullptr) fail(ErrorKind::transient, "redis_unavailable", "out of memory");
  if (c->err != 0) {
    const std::string why = c->errstr;
    redisFree(c);
    fail(ErrorKind::transient, "redis_unavailable", fmt::format("cannot connect: {}", why));
  }
  context_ = c;
  reader_ = redisReaderCreate();
  if (reader_ == nullptr) fail(ErrorKind::transient, "redis_unavailable", "out of memory");
  const int flags = ::fcntl(c->fd, F_GETFL, 0);
  if (flags < 0 || ::fcntl(c->fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    fail(ErrorKind::transient, "redis_unavailable", "cannot make the socket non-blocking");
  }
  redisEnableKeepAlive(c);

  const auto deadline = SteadyClock::now() + options_.connect_timeout + options_.command_timeout;
  if (!password_.empty()) {
    const std::string_view with_user[] = {"AUTH", username_, password_};
    const std::string_view password_only[] = {"AUTH", password_};
    const auto r =
        username_.empty() ? round_trip(password_only, deadline) : round_trip(with_user, deadline);
    // The server's text never echoes the password; the first word says why.
    if (r.is_error()) {
      const auto text = r.error_text();
      fail(ErrorKind::auth, "redis_auth",
           fmt::format("AUTH refused ({})", text.substr(0, text.find(' '))));
    }
  }
  if (!options_.client_name.empty()) {
    const std::string_view args[] = {"CLIENT", "SETNAME", options_.client_name};
    const auto r = round_trip(args, deadline);
    if (r.is_error()) {
      fail(ErrorKind::transient, "redis_unavailable",
           fmt::format("CLIENT SETNAME refused: {}", r.error_text().substr(0, 200)));
    }
  }
  if (db_ != 0) {
    const auto db = std::to_string(db_);
    const std::string_view args[] = {"SELECT", db};
    const auto r = round_trip(args, deadline);
    if (r.is_error()) {
      fail(ErrorKind::transient, "redis_unavailable",
           fmt::format("SELECT {} refused: {}", db_, r.error_text().substr(0, 200)));
    }
  }
}

void RedisConnection::send(std::span<const std::string_view> args, Deadline deadline) {
  if (args.empty()) throw Error(ErrorKind::invalid_input, "empty redis command");
  std::size_t total = 16;
  for (const auto& a : args)
    total += a.size() + 24;
  if (total > options_.max_request_bytes) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("redis command {} is {} bytes; the limit is {}",
                            args.front().substr(0, 32), total, options_.max_request_bytes),
                "redis_request_too_large");
  }
  if (context_ == nullptr) open();
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  char* raw = nullptr;
  const int len =
      redisFormatCommandArgv(&raw, static_cast<int>(args.size()), argv.data(), lens.data());
  std::unique_ptr<char, CommandFree> cmd(raw);
  if (len < 0 || !cmd) fail(ErrorKind::transient, "redis_unavailable", "cannot format a command");
  write_all(std::string_view(cmd.get(), static_cast<std::size_t>(len)), deadline);
}

void RedisConnection::write_all(std::string_view bytes, Deadline deadline) {
  while (!bytes.empty()) {
    const auto n = ::send(context_->fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{context_->fd, POLLOUT, 0};
      const auto wait = static_cast<int>(remaining(deadline).count());
      const int ready = ::poll(&p, 1, wait);
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) fail(ErrorKind::transient, "redis_timeout", "timed out sending a command");
      continue;
    }
    fail(ErrorKind::transient, "redis_unavailable",
         fmt::format("write failed: {}", std::strerror(errno)));
  }
}

bool RedisConnection::wait_readable(Deadline deadline) {
  for (;;) {
    pollfd p{context_->fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(remaining(deadline).count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      fail(ErrorKind::transient, "redis_unavailable",
           fmt::format("poll failed: {}", std::strerror(errno)));
    }
    return ready > 0;
  }
}

void RedisConnection::feed(const char* data, std::size_t size) {
  reply_bytes_ += size;
  if (reply_bytes_ > options_.max_reply_bytes) {
    fail(ErrorKind::permanent, "redis_reply_too_large",
         fmt::format("a reply exceeded {} bytes; the connection was closed",
                     options_.max_reply_bytes));
  }
  if (redisReaderFeed(reader_, data, size) != REDIS_OK) {
    fail(ErrorKind::transient, "redis_unavailable", "out of memory reading a reply");
  }
}

void RedisConnection::read_available() {
  if (context_ == nullptr) {
    throw Error(ErrorKind::transient, fmt::format("redis {}: not connected", endpoint_),
                "redis_unavailable");
  }
  char buffer[16384];
  for (;;) {
    const auto n = ::recv(context_->fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0) {
      feed(buffer, static_cast<std::size_t>(n));
      if (static_cast<std::size_t>(n) < sizeof buffer) return;
      continue;
    }
    if (n == 0) fail(ErrorKind::transient, "redis_unavailable", "the server closed the connection");
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    fail(ErrorKind::transient, "redis_unavailable",
         fmt::format("read failed: {}", std::strerror(errno)));
  }
}

std::optional<RedisReply> RedisConnection::next_buffered() {
  if (reader_ == nullptr) return std::nullopt;
  void* raw = nullptr;
  if (redisReaderGetReply(reader_, &raw) != REDIS_OK) {
    const std::string why = reader_->errstr;
    fail(ErrorKind::transient, "redis_unavailable", fmt::format("protocol error: {}", why));
  }
  if (raw == nullptr) return std::nullopt;
  std::unique_ptr<redisReply, ReplyFree> reply(static_cast<redisReply*>(raw));
  reply_bytes_ = 0;
  return convert(reply.get());
}

RedisReply RedisConnection::receive(Deadline deadline) {
  for (;;) {
    if (auto r = next_buffered()) return std::move(*r);
    if (!wait_readable(deadline)) {
      fail(ErrorKind::transient, "redis_timeout", "timed out waiting for a reply");
    }
    read_available();
  }
}

RedisReply RedisConnection::round_trip(std::span<const std::string_view> args, Deadline deadline) {
  ensure_open();
  send(args, deadline);
  return receive(deadline);
}

}  // namespace curator::queue::detail
