#include "uploads.hpp"

#include <fmt/format.h>

#include <map>
#include <thread>

#include "commands.hpp"
#include "curator/queue/health.hpp"
#include "curator/service/batches.hpp"
#include "curator/service/token_key.hpp"
#include "curator/store/batches.hpp"
#include "curator/store/uploads.hpp"
#include "exit_codes.hpp"
#include "progress.hpp"
#include "terminal.hpp"

namespace curator::cli {
namespace {

constexpr auto kPoll = std::chrono::milliseconds(500);

/// Sleeps `total`, waking early on Ctrl-C.
void nap(std::chrono::milliseconds total) {
  const auto until = std::chrono::steady_clock::now() + total;
  while (!interrupted() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

queue::Coordination coordination_for(const Config& config) {
  queue::CoordinationOptions options;
  options.redis_url = config.redis_url;
  if (config.redis_url) queue::check_redis(*config.redis_url);
  return queue::make_coordination(options);
}

Config pipeline_config(Context& ctx, int workers) {
  Config config = ctx.config();
  config.token_encryption_key = service::resolve_token_key(config);
  if (workers > 0) config.workers = workers;
  return config;
}

}  // namespace

LocalPipeline::LocalPipeline(Context& ctx, int workers)
    : coordination_(coordination_for(ctx.config())),
      pipeline_(pipeline::Pipeline::from_config(pipeline_config(ctx, workers), ctx.database(),
                                                coordination_)) {}

LocalPipeline::~LocalPipeline() {
  stop();
}

bool LocalPipeline::start(Output& out) {
  try {
    pipeline_->start();
    return true;
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::conflict) throw;
    out.note(fmt::format("{}; that process uploads this batch. Watching its progress.", e.what()));
    return false;
  }
}

void LocalPipeline::stop() {
  if (pipeline_) pipeline_->stop();
}

std::shared_ptr<queue::EventBus> shared_event_bus(const Config& config) {
  if (!config.redis_url) return nullptr;
  return coordination_for(config).events;
}

int upload_batch(Context& ctx, LocalPipeline& local, store::Id batch_id) {
  catch_interrupts();
  BatchProgress progress(ctx.out(), batch_id);
  local.get().set_progress_sink(progress.sink());
  local.start(ctx.out());
  store::UploadRepository uploads(ctx.database());
  while (true) {
    progress.update(uploads.list_for_batch(batch_id));
    if (progress.settled() || interrupted()) break;
    nap(kPoll);
  }
  const bool stopped = interrupted() && !progress.settled();
  if (stopped) ctx.out().note("Stopping: uploads in progress go back to the queue…");
  local.stop();
  local.get().set_progress_sink({});  // the workers are gone; `progress` soon is too
  progress.update(uploads.list_for_batch(batch_id));
  return progress.finish(stopped);
}

int run_batch_resume(Context& ctx, const BatchIdOptions& options) {
  const auto detail = service::BatchService(ctx.database()).show(options.id);
  if (detail.summary.stats.queued == 0 && detail.summary.stats.in_progress == 0) {
    ctx.out().note(fmt::format("Batch {} has nothing queued.", options.id));
  }
  ctx.credentials();  // an OAuth 1.0a profile brings the consumer the workers sign with
  LocalPipeline local(ctx);
  return upload_batch(ctx, local, options.id);
}

int run_worker(Context& ctx, const WorkerOptions& options) {
  catch_interrupts();
  ctx.credentials();
  LocalPipeline local(ctx, options.threads);
  local.get().start();  // Error(conflict) when another process runs the workers
  ctx.out().note(fmt::format("Worker {} running {} uploads at a time; Ctrl-C stops it.",
                             local.get().name(),
                             options.threads > 0 ? options.threads : ctx.config().workers));
  store::UploadRepository uploads(ctx.database());
  auto cursor = store::BatchRepository(ctx.database()).cursor_now();
  std::map<store::Id, UploadStatus> reported;
  bool failures = false;
  // One line (or event) per upload that ended since the last look.
  const auto report_endings = [&] {
    const auto changes = uploads.changed_since(cursor);
    cursor = changes.next;
    for (const auto& row : changes.uploads) {
      if (!is_terminal(row.status)) continue;
      if (auto it = reported.find(row.id); it != reported.end() && it->second == row.status) {
        continue;  // the overlap window shows rows again
      }
      reported[row.id] = row.status;
      failures = failures || row.status == UploadStatus::failed;
      if (ctx.out().json()) {
        json::object o{{"event", "upload"},     {"batch", row.batchid},
                       {"id", row.id},          {"key", row.key},
                       {"title", row.filename}, {"status", to_string(row.status)}};
        if (row.error) o["error"] = to_json(*row.error);
        if (row.success) o["success"] = *row.success;
        ctx.out().object(o);
      } else {
        ctx.out().line(fmt::format("{} batch {} upload {} File:{}{}", to_string(row.status),
                                   row.batchid, row.id, row.filename,
                                   row.success ? " → " + *row.success
                                   : row.error ? ": " + row.error->message
                                               : ""));
      }
    }
  };
  while (!interrupted()) {
    report_endings();
    if (options.once && !uploads.next_due_time() && local.get().busy_workers() == 0 &&
        uploads.count_all({"", {UploadStatus::in_progress}, {}, {}}) == 0) {
      break;
    }
    nap(std::chrono::seconds(1));
  }
  local.stop();
  report_endings();  // what ended while stopping, and since the last look
  if (ctx.out().json()) {
    ctx.out().object(json::object{{"event", "stopped"}, {"interrupted", interrupted()}});
  }
  return failures ? kExitSomeFailed : kExitOk;
}

}  // namespace curator::cli
