#include "curator/queue/health.hpp"

#include <fmt/format.h>
#include <hiredis.h>

#include <memory>

#include "curator/core/config.hpp"
#include "curator/core/error.hpp"
#include "curator/core/log.hpp"

namespace curator::queue {
namespace {

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

ReplyPtr command(redisContext* c, const char* format, const std::string& arg = {}) {
  void* raw = arg.empty() ? redisCommand(c, format) : redisCommand(c, format, arg.c_str());
  return ReplyPtr(static_cast<redisReply*>(raw));
}

[[noreturn]] void unreachable(const std::string& url, std::string_view why) {
  log::warning("queue", fmt::format("redis check failed for {}: {}", log::redact_url(url), why));
  throw Error(ErrorKind::transient, "redis unreachable", "redis_unreachable");
}

}  // namespace

void check_redis(const std::string& redis_url, std::chrono::seconds timeout) {
  const auto url = parse_redis_url(redis_url);
  timeval tv{};
  tv.tv_sec = timeout.count();
  std::unique_ptr<redisContext, ContextFree> ctx(
      redisConnectWithTimeout(url.host.c_str(), url.port, tv));
  if (!ctx || ctx->err) unreachable(redis_url, ctx ? ctx->errstr : "out of memory");
  redisSetTimeout(ctx.get(), tv);
  if (!url.password.empty()) {
    ReplyPtr r(static_cast<redisReply*>(
        url.username.empty()
            ? redisCommand(ctx.get(), "AUTH %s", url.password.c_str())
            : redisCommand(ctx.get(), "AUTH %s %s", url.username.c_str(), url.password.c_str())));
    if (!r || r->type == REDIS_REPLY_ERROR) unreachable(redis_url, "AUTH refused");
  }
  if (url.db != 0) {
    auto r = command(ctx.get(), "SELECT %s", std::to_string(url.db));
    if (!r || r->type == REDIS_REPLY_ERROR) unreachable(redis_url, "SELECT refused");
  }
  auto r = command(ctx.get(), "PING");
  if (!r) unreachable(redis_url, ctx->errstr);
  if (r->type != REDIS_REPLY_STATUS || std::string_view(r->str, r->len) != "PONG") {
    unreachable(redis_url, "unexpected PING reply");
  }
}

}  // namespace curator::queue
