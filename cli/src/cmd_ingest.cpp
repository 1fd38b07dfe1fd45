// ingest: list a collection, describe each file (preset and flags), show the
// plan (--dry-run) or queue the files in a batch and upload them. The batch
// lives in the database: running the same command again resumes it.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "commands.hpp"
#include "context.hpp"
#include "curator/core/log.hpp"
#include "curator/service/batches.hpp"
#include "curator/service/ingest.hpp"
#include "curator/service/ingest_queue.hpp"
#include "curator/service/presets.hpp"
#include "curator/sources/registry.hpp"
#include "exit_codes.hpp"
#include "plan_output.hpp"
#include "uploads.hpp"

namespace curator::cli {
namespace {

constexpr std::size_t kMaxWikitextTemplateBytes = 65535;
/// Title blacklist requests in flight at once (a shared public wiki).
constexpr std::size_t kBlacklistThreads = 4;

[[noreturn]] void usage(std::string message) {
  throw Error(ErrorKind::invalid_input, std::move(message), "usage");
}

void check_flags(const IngestOptions& o) {
  if (o.preset && o.no_preset) usage("--preset and --no-preset exclude each other");
  if (o.wikitext_file && o.license) {
    usage("--license applies to the default wikitext; write the license into --wikitext-file");
  }
  if (o.wikitext_file && o.exclude_date_category) {
    usage("--exclude-date-category applies to the default wikitext, not to --wikitext-file");
  }
  if (o.title && o.title->empty()) usage("--title must not be empty");
  if (o.license && o.license->find_first_not_of(" \t\n") == std::string::npos) {
    usage("--license must not be empty");
  }
  static const std::regex kLanguage("[a-z]{2,3}(-[a-z0-9]{1,8})*");
  if (o.language && !std::regex_match(*o.language, kLanguage)) {
    usage(fmt::format("--language: '{}' is not a language code such as en, de or zh-hans",
                      *o.language));
  }
  for (const auto& c : o.categories) {
    if (c.find_first_not_of(" \t") == std::string::npos) usage("--category must not be empty");
    if (c.find('\n') != std::string::npos) usage("--category: one category per flag");
  }
}

std::string read_template_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) usage(fmt::format("--wikitext-file: cannot read {}", path));
  std::stringstream text;
  text << in.rdbuf();
  auto s = text.str();
  if (s.size() > kMaxWikitextTemplateBytes) {
    usage(fmt::format("--wikitext-file: {} is larger than {} bytes", path,
                      kMaxWikitextTemplateBytes));
  }
  if (s.find('\0') != std::string::npos) usage("--wikitext-file: the file holds NUL bytes");
  return s;
}

void check_source_credentials(const Config& c, service::Handler handler) {
  if (handler == service::Handler::mapillary && c.mapillary_token.empty()) {
    throw Error(ErrorKind::auth,
                "Mapillary needs an access token: set CURATOR_MAPILLARY_TOKEN (or "
                "MAPILLARY_API_TOKEN)",
                "no_source_token");
  }
  if (handler == service::Handler::flickr && c.flickr_api_key.empty()) {
    throw Error(ErrorKind::auth,
                "Flickr needs an API key: set CURATOR_FLICKR_API_KEY (or FLICKR_API_KEY)",
                "no_source_token");
  }
}

sources::Collection list_collection(Context& ctx, service::Handler handler,
                                    const std::string& input) {
  const auto registry = sources::SourceRegistry::with_builtin_sources();
  const auto context = sources::SourceContext::from_config(ctx.config());
  const auto source = registry.create(service::to_string(handler), context);
  const auto ref = source->parse_input(input);
  sources::ListOptions options;
  if (ctx.out().live()) {
    options.on_progress = [](std::size_t done, std::size_t total) {
      std::fprintf(stderr, "\rListing… %zu/%zu images", done, total);
    };
  }
  auto collection = source->list_collection(ref, options);
  if (ctx.out().live()) std::fputs("\r\033[K", stderr);
  for (const auto& w : collection.warnings)
    ctx.out().note("warning: " + w);
  for (const auto& [id, why] : collection.missing)
    ctx.out().note(fmt::format("warning: image {} left out: {}", id, why));
  if (collection.id.empty()) collection.id = input;
  return collection;
}

service::FileSpec file_spec(Context& ctx, const IngestOptions& o, service::Handler handler,
                            const std::optional<service::Actor>& actor) {
  service::FileSpec spec;
  if (o.preset || (actor && !o.no_preset)) {
    if (!actor) ctx.require_credentials();  // presets belong to a user
    service::PresetService presets(ctx.database());
    std::optional<store::Preset> preset =
        o.preset ? presets.find(*actor, handler, *o.preset) : presets.default_for(*actor, handler);
    if (o.preset && !preset) {
      throw Error(ErrorKind::not_found,
                  fmt::format("no preset '{}' among your {} presets (curatorctl presets list)",
                              *o.preset, service::to_string(handler)),
                  "preset_not_found");
    }
    if (preset) {
      ctx.out().note(fmt::format("Using preset {} \"{}\"{}.", preset->id, preset->title,
                                 o.preset ? "" : " (your default)"));
      spec = service::file_spec_from_preset(*preset);
    }
  }
  if (o.title) spec.title_template = *o.title;
  if (o.wikitext_file) spec.wikitext_template = read_template_file(*o.wikitext_file);
  spec.categories.insert(spec.categories.end(), o.categories.begin(), o.categories.end());
  if (o.caption) {
    spec.caption =
        Label{o.language.value_or(spec.caption ? spec.caption->language : "en"), *o.caption};
  } else if (o.language) {
    if (!spec.caption) usage("--language needs --caption (or a preset with a caption)");
    spec.caption->language = *o.language;
  }
  if (o.license) spec.license = *o.license;
  if (o.exclude_date_category) spec.exclude_date_category = true;
  return spec;
}

/// Asks the wiki's title blacklist about every title, a few requests at a
/// time (one client per thread: clients are not thread-safe). A failing
/// check counts as "not blacklisted", as upstream: the worker asks again
/// right before uploading.
service::TitleBlacklist blacklist_check(Context& ctx, const std::optional<Credentials>& creds) {
  return [&ctx, creds](const std::vector<std::string>& titles) {
    const auto threads = std::min<std::size_t>(kBlacklistThreads, (titles.size() + 19) / 20);
    if (ctx.out().live() && titles.size() > 100) {
      ctx.out().note(fmt::format("Checking {} titles against the title blacklist…", titles.size()));
    }
    std::mutex mutex;
    std::map<std::string, std::string> refused;
    std::optional<std::string> failure;
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
      auto client = ctx.wiki(creds);
      for (auto i = next++; i < titles.size(); i = next++) {
        try {
          const auto verdict = client.check_title_blacklist(titles[i], "create");
          if (!verdict.blacklisted) continue;
          std::lock_guard lock(mutex);
          refused[titles[i]] = verdict.reason.empty() ? verdict.line : verdict.reason;
        } catch (const Error& e) {
          std::lock_guard lock(mutex);
          if (!failure) failure = e.what();
        }
      }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t)
      pool.emplace_back(work);
    work();
    for (auto& t : pool)
      t.join();
    if (failure) ctx.out().note("warning: title blacklist check failed: " + *failure);
    return refused;
  };
}

}  // namespace

int run_ingest(Context& ctx, const IngestOptions& o) {
  check_flags(o);
  const auto handler = service::parse_handler(o.handler);
  if (!handler) usage("the source must be mapillary or flickr");
  check_source_credentials(ctx.config(), *handler);

  auto creds = o.dry_run ? ctx.credentials() : std::optional(ctx.require_credentials());
  std::optional<service::Actor> actor;
  if (creds) actor = ctx.actor();

  const auto spec = file_spec(ctx, o, *handler, actor);
  auto collection = list_collection(ctx, *handler, o.collection);

  service::PlanInput input;
  input.handler = *handler;
  input.collection = collection.id;
  input.spec = spec;
  input.skip_existing = o.skip_existing;
  input.refusals = collection.refusals;
  if (o.select) input.selection = service::parse_selection(*o.select, collection.images);
  service::IngestHistory history;
  if (actor) {
    history = service::BatchService(ctx.database()).history(*actor, *handler, collection.id);
    input.uploaded = history.uploaded;
  }
  if (!o.no_blacklist_check) {
    input.blacklist =
        blacklist_check(ctx, creds ? std::optional<Credentials>(creds->credentials) : std::nullopt);
  }
  const auto files = service::plan_files(collection.images, input);

  if (o.dry_run) {
    print_plan(ctx.out(), files);
    print_plan_summary(ctx.out(), collection.id, files, history.open_batch, true);
    return kExitOk;
  }
  print_skips(ctx.out(), files);
  print_plan_summary(ctx.out(), collection.id, files, history.open_batch, false);

  const bool anything =
      std::any_of(files.begin(), files.end(), [](const auto& f) { return !f.skip.has_value(); });
  if (!anything && !history.open_batch) {
    ctx.out().note("Nothing to upload.");
    return kExitOk;
  }
  LocalPipeline local(ctx);
  const auto queued =
      service::queue_planned_files(ctx.database(), local.get().scheduler(), *actor, *handler,
                                   creds->credentials, collection.id, files, history.open_batch);
  if (queued.queued > 0) {
    if (ctx.out().json()) {
      ctx.out().object(json::object{
          {"event", "queued"}, {"batch", *queued.batch_id}, {"uploads", queued.queued}});
    } else {
      ctx.out().line(
          fmt::format("Queued {} uploads in batch {}.", queued.queued, *queued.batch_id));
    }
  }
  if (o.no_wait) return kExitOk;
  return upload_batch(ctx, local, *queued.batch_id);
}

}  // namespace curator::cli
