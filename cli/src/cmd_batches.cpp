// batches, batch show, retry, cancel.
#include <fmt/format.h>

#include "commands.hpp"
#include "context.hpp"
#include "curator/core/time.hpp"
#include "curator/service/batches.hpp"
#include "curator/service/wire.hpp"
#include "exit_codes.hpp"
#include "uploads.hpp"

namespace curator::cli {
namespace {

/// "2026-05-01 12:00:00" (UTC; the headers say so).
std::string when(TimePoint t) {
  auto s = format_utc_z(t).substr(0, 19);
  s[10] = ' ';
  return s;
}

std::string count(std::int64_t n) {
  return std::to_string(n);
}

std::string outcome(const store::UploadRequest& u) {
  if (u.success) return *u.success;
  if (u.error) {
    std::string text = u.error->message;
    if (!u.error->links.empty()) text += " → " + u.error->links.front().url;
    return text;
  }
  return "";
}

}  // namespace

int run_batches(Context& ctx, const BatchesOptions& options) {
  store::BatchScope scope;
  scope.filter = options.filter;
  if (!options.all) scope.userid = ctx.actor().userid;
  const auto page =
      service::BatchService(ctx.database()).list({options.page, options.limit}, scope);
  if (ctx.out().json()) {
    json::array items;
    for (const auto& b : page.items)
      items.push_back(service::to_json(b));
    ctx.out().object(json::object{{"items", std::move(items)}, {"total", page.total}});
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& b : page.items) {
    const auto& s = b.stats;
    rows.push_back({count(b.batch.id), when(b.batch.created_at), b.username, count(s.total),
                    count(s.queued), count(s.in_progress), count(s.completed), count(s.duplicate),
                    count(s.failed), count(s.cancelled)});
  }
  ctx.out().table({"ID", "CREATED (UTC)", "USER", "TOTAL", "QUEUED", "RUNNING", "DONE", "DUPLICATE",
                   "FAILED", "CANCELLED"},
                  rows);
  ctx.out().line(
      fmt::format("{} of {} batches (page {})", page.items.size(), page.total, options.page));
  return kExitOk;
}

int run_batch_show(Context& ctx, const BatchIdOptions& options) {
  const auto detail = service::BatchService(ctx.database()).show(options.id);
  if (ctx.out().json()) {
    json::array uploads;
    for (const auto& u : detail.uploads)
      uploads.push_back(service::batch_upload_item(u));
    ctx.out().object(
        json::object{{"batch", service::to_json(detail.summary)}, {"uploads", std::move(uploads)}});
    return kExitOk;
  }
  const auto& b = detail.summary;
  const auto& s = b.stats;
  ctx.out().line(fmt::format("Batch {} by {} (user id {}), created {} UTC, edit group {}",
                             b.batch.id, b.username, b.batch.userid, when(b.batch.created_at),
                             b.batch.edit_group_id.value_or("(none)")));
  ctx.out().line(fmt::format(
      "{} uploads: {} queued, {} in progress, {} completed, {} duplicate, "
      "{} failed, {} cancelled",
      s.total, s.queued, s.in_progress, s.completed, s.duplicate, s.failed, s.cancelled));
  std::vector<std::vector<std::string>> rows;
  for (const auto& u : detail.uploads) {
    rows.push_back({count(u.id), std::string(to_string(u.status)), u.key, ellipsize(u.filename, 60),
                    outcome(u)});
  }
  ctx.out().table({"ID", "STATUS", "KEY", "FILE", "RESULT"}, rows);
  return kExitOk;
}

int run_retry(Context& ctx, const RetryOptions& options) {
  const auto creds = ctx.require_credentials();
  const auto actor = ctx.actor();
  // Like `ingest`, a retry uploads what it queued unless told not to. The
  // pipeline exists first either way: its scheduler paces the copies like
  // first uploads (each gets the user's next slot), and their events go on
  // its bus.
  LocalPipeline local(ctx);
  const auto copy = service::BatchService(ctx.database(), local.get().environment().events)
                        .retry(options.id, actor, ctx.sealed(creds.credentials),
                               local.get().scheduler().retry_schedule(actor.userid));
  if (ctx.out().json()) {
    ctx.out().object(json::object{{"event", "retried"},
                                  {"batch", options.id},
                                  {"new_batch", copy.batch_id},
                                  {"uploads", copy.upload_ids.size()}});
  } else {
    ctx.out().line(fmt::format("Copied {} uploads of batch {} into batch {}.",
                               copy.upload_ids.size(), options.id, copy.batch_id));
  }
  if (options.no_wait) {
    ctx.out().note(
        fmt::format("Upload them with `curatorctl batch resume {}` (or a running "
                    "`curatorctl worker`).",
                    copy.batch_id));
    return kExitOk;
  }
  return upload_batch(ctx, local, copy.batch_id);
}

int run_cancel(Context& ctx, const BatchIdOptions& options) {
  const auto result = service::BatchService(ctx.database(), shared_event_bus(ctx.config()))
                          .cancel(options.id, ctx.actor());
  if (ctx.out().json()) {
    json::array ids;
    for (const auto id : result.cancelled)
      ids.emplace_back(id);
    ctx.out().object(
        json::object{{"event", "cancelled"}, {"batch", options.id}, {"uploads", std::move(ids)}});
  } else {
    ctx.out().line(fmt::format("Cancelled {} queued uploads of batch {}.", result.cancelled.size(),
                               options.id));
  }
  return kExitOk;
}

}  // namespace curator::cli
