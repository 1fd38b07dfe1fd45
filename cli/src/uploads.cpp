#include "uploads.hpp"

#include <fmt/format.h>

#include "commands.hpp"
#include "curator/service/batches.hpp"
#include "exit_codes.hpp"

namespace curator::cli {

int upload_batch(Context& ctx, store::Id batch_id) {
  ctx.out().note(fmt::format("Batch {} is queued; `curatorctl worker` uploads it.", batch_id));
  return kExitOk;
}

int run_batch_resume(Context& ctx, const BatchIdOptions& options) {
  service::BatchService(ctx.database()).show(options.id);
  return upload_batch(ctx, options.id);
}

int run_worker(Context&, const WorkerOptions&) {
  throw Error(ErrorKind::permanent, "this build of curatorctl has no upload pipeline yet",
              "no_pipeline");
}

}  // namespace curator::cli
