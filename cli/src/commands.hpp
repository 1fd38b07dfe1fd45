#pragma once
// curatorctl's commands as plain functions over plain option structs: main.cpp
// (the only file that includes CLI11) parses the command line into these and
// calls one. Each returns the process exit code (exit_codes.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace curator::cli {

class Context;

struct BatchesOptions {
  bool all = false;
  std::string filter;
  std::int64_t page = 1;
  std::int64_t limit = 50;
};

struct BatchIdOptions {
  std::int64_t id = 0;
};

struct RetryOptions {
  std::int64_t id = 0;
  bool no_wait = false;
};

struct PresetListOptions {
  std::string handler;  // empty: both
};

struct PresetSaveOptions {
  std::string handler = "mapillary";
  std::string name;
  std::string title;
  std::optional<std::string> caption;
  std::string language = "en";
  std::vector<std::string> categories;
  bool exclude_date_category = false;
  bool make_default = false;
  std::optional<std::int64_t> id;  // update this preset
};

struct PresetDeleteOptions {
  std::string handler = "mapillary";
  std::string preset;  // id or name
};

struct LoginOptions {
  std::optional<std::string> bot_user;
  bool oauth2 = false;
  bool oauth1 = false;
  std::optional<std::string> consumer_key;
  std::optional<std::string> access_key;
  bool from_env = false;
  bool no_verify = false;
};

struct IngestOptions {
  std::string handler;
  std::string collection;
  std::optional<std::string> preset;
  bool no_preset = false;
  std::optional<std::string> title;
  std::optional<std::string> wikitext_file;
  std::vector<std::string> categories;
  std::optional<std::string> caption;
  std::optional<std::string> language;
  std::optional<std::string> license;
  bool exclude_date_category = false;
  std::optional<std::string> select;
  bool skip_existing = false;
  bool dry_run = false;
  bool no_blacklist_check = false;
  bool no_wait = false;
};

struct WorkerOptions {
  int threads = 0;  // 0: CURATOR_WORKERS
  bool once = false;
};

int run_config_show(Context& ctx);
int run_config_describe();
int run_migrate(Context& ctx);
int run_login(Context& ctx, const LoginOptions& options);
int run_logout(Context& ctx);
int run_whoami(Context& ctx);
int run_batches(Context& ctx, const BatchesOptions& options);
int run_batch_show(Context& ctx, const BatchIdOptions& options);
int run_batch_resume(Context& ctx, const BatchIdOptions& options);
int run_retry(Context& ctx, const RetryOptions& options);
int run_cancel(Context& ctx, const BatchIdOptions& options);
int run_presets_list(Context& ctx, const PresetListOptions& options);
int run_presets_save(Context& ctx, const PresetSaveOptions& options);
int run_presets_delete(Context& ctx, const PresetDeleteOptions& options);
int run_ingest(Context& ctx, const IngestOptions& options);
int run_worker(Context& ctx, const WorkerOptions& options);

}  // namespace curator::cli
