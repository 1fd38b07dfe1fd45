// The steps before the upload: credentials and client, fresh metadata and
// SDC, the title checks, the download, the duplicate check and the hash lock.
#include <fmt/format.h>

#include <numeric>

#include "curator/auth/fernet.hpp"
#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "curator/mediawiki/titles.hpp"
#include "curator/sdc/builders.hpp"
#include "curator/store/batches.hpp"
#include "pipeline/failpoint.hpp"
#include "pipeline/job_run.hpp"

namespace curator::pipeline::detail {

namespace {
constexpr std::string_view kLog = "pipeline";
}

std::optional<JobReport> JobRun::open_session() {
  step_ = Step::credentials;
  if (!row_.access_token || row_.access_token->empty()) {
    return fail("Missing access token: log in again, then retry the upload.");
  }
  credentials_ = auth::decrypt_credentials(*env_.fernet, *row_.access_token);
  if (const auto batch = store::BatchRepository(*env_.database).find(row_.batchid)) {
    edit_group_id_ = batch->edit_group_id.value_or("");
  }
  auto options = env_.commons;
  options.retry.sleep = [this](std::chrono::milliseconds d) { control_.sleep(d); };
  options.retry.base_delay = env_.options.api_retry_delay;
  options.retry.max_delay = env_.options.api_retry_max_delay;
  options.retry.rate_limited_retries = env_.options.api_rate_limited_retries;
  options.retry.rate_limited_delay = env_.options.api_rate_limited_delay;
  step_ = Step::wiki;
  wiki_ = std::make_unique<mediawiki::MediaWikiClient>(std::move(options), *credentials_);
  return std::nullopt;
}

void JobRun::fetch_metadata() {
  step_ = Step::metadata;
  auto context = env_.source_context;
  http::RetryPolicy retry;
  retry.delays = env_.options.source_retry;
  retry.sleep = [this](std::chrono::milliseconds d) { control_.sleep(d); };
  context.retry = retry;
  // An unknown handler is Error(invalid_input): the upload fails, naming the known ones.
  const auto source = env_.sources.create(row_.handler, context);
  // Download URLs expire (Mapillary signs them), so the metadata is always fresh.
  image_ = source->fetch_image(row_.key);
  source->ensure_uploadable(image_);
  if (image_.urls.original.empty()) {
    throw Error(
        ErrorKind::invalid_input,
        fmt::format("{} offers no original file of image {} for download", source_name_, row_.key),
        "no_original");
  }
  std::optional<Label> label;
  if (row_.labels && !row_.labels->value.empty()) label = row_.labels;
  if (row_.handler == "mapillary") {
    sdc_ = sdc::build_mapillary(image_, {row_.copyright_override, label});
  } else if (row_.handler == "flickr") {
    sdc::FlickrOptions f;
    f.label = label;
    sdc_ = sdc::build_flickr(image_, f);
  } else {
    sdc_.label = label;
  }
}

std::optional<JobReport> JobRun::check_title() {
  step_ = Step::wiki;
  try {
    file_name_ = mediawiki::require_valid_file_name(row_.filename);
  } catch (const Error& e) {
    return fail(
        fmt::format("The title \"{}\" cannot be used on Commons: {}. Change the title, "
                    "then retry.",
                    row_.filename, e.what()));
  }
  try {
    const auto verdict = wiki_->check_title_blacklist(mediawiki::file_title(file_name_), "upload");
    if (verdict.blacklisted) {
      return fail(verdict.reason.empty() ? std::string("Title is blacklisted") : verdict.reason,
                  StructuredErrorType::title_blacklisted);
    }
  } catch (const Error& e) {
    // Fail open, as upstream: the upload itself meets the blacklist again.
    log::warning(kLog, std::string("title blacklist check failed (continuing): ") + e.what());
  }
  return std::nullopt;
}

void JobRun::download() {
  step_ = Step::download;
  http::Client client(env_.download_http);
  http::DownloadOptions options;
  options.max_bytes = env_.options.max_file_bytes;
  options.retry.delays = env_.options.download_retry;
  options.retry.sleep = [this](std::chrono::milliseconds d) { control_.sleep(d); };
  options.on_progress = [this](std::uint64_t received, std::uint64_t expected) {
    progress_->report(TransferPhase::download, received, expected);
  };
  const auto dir = env_.options.temp_dir.empty() ? std::filesystem::temp_directory_path()
                                                 : env_.options.temp_dir;
  file_.emplace(http::download_to_temp_file(client, image_.urls.original, dir, options));
  // The last block may have been throttled away; the phase ends complete.
  progress_->report(TransferPhase::download, file_->size, file_->size);
  log::info(kLog, fmt::format("downloaded {} bytes, SHA-1 {}", file_->size, file_->sha1_hex));
  failpoint(Failpoint::download);
}

bool JobRun::is_own_earlier_upload(std::string_view name) const {
  // An earlier run of this very upload (interrupted or requeued after its
  // publish) left the same bytes under the same title.
  const auto& counts = row_.attempts.by_reason;
  const auto earlier = std::accumulate(counts.begin(), counts.end(), 0);
  return earlier > 0 && mediawiki::same_file_name(name, file_name_);
}

std::optional<JobReport> JobRun::check_duplicates() {
  step_ = Step::wiki;
  const auto files = wiki_->find_files_by_sha1(file_->sha1_hex);
  if (files.empty()) return std::nullopt;
  for (const auto& f : files) {
    if (is_own_earlier_upload(f.name)) {
      log::info(kLog, "File:" + f.name + " is this upload's own earlier publish; finishing it");
      return after_publish(f.description_url, true);
    }
  }
  return duplicate_of(files);
}

std::optional<JobReport> JobRun::lock_file() {
  step_ = Step::hash_lock;
  lock_key_ = file_->sha1_hex;
  lock_token_ = owner_ + "/" + std::to_string(id_) + "/" + queue::new_owner_token();
  if (!env_.hash_locks->acquire(lock_key_, lock_token_, env_.options.hash_lock_ttl)) {
    throw Error(ErrorKind::conflict,
                "the file (SHA-1 " + lock_key_ + ") is being uploaded by another worker",
                "hash_locked");
  }
  locked_ = true;
  heartbeat_->hold_lock(env_.hash_locks.get(), lock_key_, lock_token_);
  failpoint(Failpoint::lock);
  step_ = Step::wiki;
  return std::nullopt;
}

}  // namespace curator::pipeline::detail
