#include "curator/queue/redis_client.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <array>
#include <condition_variable>
#include <mutex>

#include "curator/core/config.hpp"
#include "curator/core/error.hpp"
#include "queue/redis_connection.hpp"

namespace curator::queue {
namespace {

[[noreturn]] void unexpected(const RedisReply& reply, std::string_view wanted) {
  throw Error(ErrorKind::permanent,
              fmt::format("unexpected redis reply: wanted {}, got {}", wanted, reply.describe()),
              "redis_unexpected_reply");
}

std::string excerpt(std::string_view text, std::size_t max = 80) {
  std::string out;
  for (char c : text.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? c : '?';
  }
  if (text.size() > max) out += "...";
  return out;
}

constexpr std::array<std::string_view, 8> kTransientErrors = {
    "LOADING", "BUSY", "OOM", "READONLY", "TRYAGAIN", "MASTERDOWN", "CLUSTERDOWN", "NOREPLICAS"};

}  // namespace

long long RedisReply::integer() const {
  if (const auto* v = std::get_if<long long>(&value_)) return *v;
  unexpected(*this, "an integer");
}

const std::string& RedisReply::text() const {
  if (const auto* v = std::get_if<std::string>(&value_)) return *v;
  if (const auto* s = std::get_if<RedisStatus>(&value_)) return s->text;
  unexpected(*this, "a string");
}

const RedisReply::Array& RedisReply::array() const {
  if (const auto* v = std::get_if<Array>(&value_)) return *v;
  unexpected(*this, "an array");
}

std::string RedisReply::error_text() const {
  if (const auto* e = std::get_if<RedisErrorReply>(&value_)) return e->text;
  return {};
}

std::string RedisReply::describe() const {
  struct Visitor {
    std::string operator()(const RedisNil&) const { return "nil"; }
    std::string operator()(long long v) const { return fmt::format("integer {}", v); }
    std::string operator()(const std::string& s) const {
      return fmt::format("string \"{}\" ({} bytes)", excerpt(s), s.size());
    }
    std::string operator()(const RedisStatus& s) const {
      return fmt::format("status \"{}\"", excerpt(s.text));
    }
    std::string operator()(const RedisErrorReply& e) const {
      return fmt::format("error \"{}\"", excerpt(e.text, 200));
    }
    std::string operator()(const Array& a) const {
      return fmt::format("array of {} elements", a.size());
    }
  };
  return std::visit(Visitor{}, value_);
}

void throw_reply_error(const RedisReply& reply, std::string_view context) {
  const auto text = reply.error_text();
  const auto word = std::string_view(text).substr(0, text.find(' '));
  auto kind = ErrorKind::permanent;
  for (const auto t : kTransientErrors) {
    if (word == t) kind = ErrorKind::transient;
  }
  throw Error(kind, fmt::format("{}: redis error: {}", context, excerpt(text, 300)), "redis_error");
}

RedisScript::RedisScript(std::string source) : source_(std::move(source)) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(source_.data(), source_.size(), digest, &size, EVP_sha1(), nullptr) != 1) {
    throw Error(ErrorKind::permanent, "cannot compute a script's SHA-1");
  }
  sha1_.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i)
    sha1_ += fmt::format("{:02x}", digest[i]);
}

struct RedisClient::Impl {
  explicit Impl(RedisOptions options) : connection(std::move(options)) {}
  detail::RedisConnection connection;
};

RedisClient::RedisClient(RedisOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
RedisClient::~RedisClient() = default;
RedisClient::RedisClient(RedisClient&&) noexcept = default;
RedisClient& RedisClient::operator=(RedisClient&&) noexcept = default;

RedisReply RedisClient::call(std::span<const std::string_view> args,
                             std::chrono::milliseconds extra_wait) {
  auto& c = impl_->connection;
  const auto deadline = detail::SteadyClock::now() + c.options().command_timeout + extra_wait;
  return c.round_trip(args, deadline);
}

RedisReply RedisClient::command(std::span<const std::string_view> args,
                                std::chrono::milliseconds extra_wait) {
  auto reply = call(args, extra_wait);
  if (reply.is_error()) throw_reply_error(reply, args.empty() ? "" : args.front().substr(0, 32));
  return reply;
}

RedisReply RedisClient::eval(const RedisScript& script, std::span<const std::string_view> keys,
                             std::span<const std::string_view> args) {
  const auto nkeys = std::to_string(keys.size());
  std::vector<std::string_view> argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.push_back("EVALSHA");
  argv.push_back(script.sha1());
  argv.push_back(nkeys);
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  auto reply = call(argv);
  if (reply.is_error() && reply.error_text().starts_with("NOSCRIPT")) {
    // The server lost its script cache (restart, SCRIPT FLUSH): load it again.
    const auto loaded = command({"SCRIPT", "LOAD", script.source()});
    if (loaded.text() != script.sha1()) {
      throw Error(ErrorKind::permanent, "SCRIPT LOAD returned an unexpected SHA-1", "redis_error");
    }
    reply = call(argv);
  }
  if (reply.is_error()) throw_reply_error(reply, "script");
  return reply;
}

bool RedisClient::connected() const noexcept {
  return impl_->connection.is_open();
}
void RedisClient::disconnect() noexcept {
  impl_->connection.close();
}
const RedisOptions& RedisClient::options() const noexcept {
  return impl_->connection.options();
}
const std::string& RedisClient::endpoint() const noexcept {
  return impl_->connection.endpoint();
}

struct RedisPool::Lease::State {
  RedisOptions options;
  Limits limits;
  std::mutex mutex;
  std::condition_variable freed;
  std::vector<std::unique_ptr<RedisClient>> idle;
  std::size_t total = 0;

  void give_back(std::unique_ptr<RedisClient> client) {
    std::unique_ptr<RedisClient> dropped;
    {
      std::lock_guard lock(mutex);
      if (idle.size() < limits.max_idle) {
        idle.push_back(std::move(client));
      } else {
        dropped = std::move(client);
        --total;
      }
    }
    freed.notify_one();
  }
};

RedisPool::Lease::Lease(std::shared_ptr<State> state, std::unique_ptr<RedisClient> client)
    : state_(std::move(state)), client_(std::move(client)) {}
RedisPool::Lease::Lease(Lease&&) noexcept = default;
RedisPool::Lease::~Lease() {
  if (state_ && client_) state_->give_back(std::move(client_));
}

RedisPool::RedisPool(RedisOptions options, Limits limits)
    : state_(std::make_shared<Lease::State>()) {
  parse_redis_url(options.url);
  if (limits.max_clients == 0) {
    throw Error(ErrorKind::invalid_input, "a redis pool needs at least one client");
  }
  state_->options = std::move(options);
  state_->limits = limits;
}

RedisPool::~RedisPool() = default;

RedisPool::Lease RedisPool::acquire() {
  std::unique_lock lock(state_->mutex);
  const bool ok = state_->freed.wait_for(lock, state_->options.command_timeout, [&] {
    return !state_->idle.empty() || state_->total < state_->limits.max_clients;
  });
  if (!ok) {
    throw Error(ErrorKind::transient,
                fmt::format("all {} redis connections are busy", state_->limits.max_clients),
                "redis_pool_exhausted");
  }
  if (!state_->idle.empty()) {
    auto client = std::move(state_->idle.back());
    state_->idle.pop_back();
    return Lease(state_, std::move(client));
  }
  ++state_->total;
  return Lease(state_, std::make_unique<RedisClient>(state_->options));
}

const RedisOptions& RedisPool::options() const noexcept {
  return state_->options;
}

}  // namespace curator::queue
