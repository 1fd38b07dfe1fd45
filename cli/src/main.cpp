// curatorctl: the command line for bot operators and CI scripts. The only
// translation unit that includes CLI11: it turns the command line into the
// option structs of commands.hpp and calls one command.
#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>

#include "commands.hpp"
#include "context.hpp"
#include "curator/core/error.hpp"
#include "curator/version.hpp"
#include "exit_codes.hpp"

namespace {

using namespace curator::cli;

void optional_string(CLI::App* app, const std::string& name, std::optional<std::string>& target,
                     const std::string& description) {
  app->add_option_function<std::string>(
      name, [&target](const std::string& v) { target = v; }, description);
}

/// Bad input never reaches a command: CLI11 rejects it with a message.
int parse_error(const CLI::App& cli, const CLI::ParseError& e) {
  if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
    cli.exit(e);
    return kExitOk;
  }
  std::cerr << "curatorctl: " << e.what() << "\nRun with --help for usage.\n";
  return kExitUsage;
}

const char* const kIdPositional = "batch id";

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"curatorctl: move Mapillary and Flickr photos to Wikimedia Commons"};
  cli.set_version_flag("--version", std::string("curatorctl ") + curator::kVersion);
  cli.require_subcommand(1);
  // Global flags may also follow the command (`curatorctl batches --json`).
  cli.fallthrough();
  cli.footer(
      "Exit codes: 0 done, 1 some uploads failed, 2 usage error, 3 authentication or permission "
      "error, 4 a service failed, 130 interrupted.\nSee docs/cli.md.");

  GlobalOptions global;
  cli.add_option("--database", global.database,
                 "database URL, e.g. mysql://user:pass@host/db (CURATOR_DATABASE_URL)");
  cli.add_option("--redis", global.redis, "Redis URL: distributed mode (CURATOR_REDIS_URL)");
  cli.add_option("--data-dir", global.data_dir, "data directory (CURATOR_DATA_DIR)");
  cli.add_option("--config-file", global.config_file,
                 "login profile (default ~/.config/curator/curatorctl.json)");
  cli.add_option("--log-level", global.log_level, "debug|info|warning|error (CURATOR_LOG_LEVEL)");
  cli.add_flag("--json", global.json, "one JSON object per line on stdout");

  // config
  auto* config_cmd = cli.add_subcommand("config", "Show the effective configuration");
  config_cmd->require_subcommand(1);
  auto* config_show = config_cmd->add_subcommand(
      "show", "Print every setting and where it comes from; secrets are redacted");
  config_show->footer(
      "Example:\n  CURATOR_DATABASE_URL=sqlite:///tmp/c.sqlite curatorctl config show");
  auto* config_describe = config_cmd->add_subcommand(
      "describe", "Print every variable with its default and meaning (Markdown)");

  // migrate
  auto* migrate = cli.add_subcommand("migrate", "Create or upgrade the database schema");
  migrate->footer(
      "Examples:\n  curatorctl migrate\n  curatorctl --database mysql://curator:pw@db/curator "
      "migrate");

  // login, logout, whoami
  LoginOptions login_opts;
  auto* login = cli.add_subcommand(
      "login",
      "Save Commons credentials (bot password, OAuth 2 token or OAuth 1.0a owner-only "
      "consumer) in a 0600 profile; secrets are read from the terminal without echo, or "
      "from stdin");
  optional_string(login, "--bot-user", login_opts.bot_user,
                  "bot password user name, User@appid (the password is prompted for)");
  login->add_flag("--oauth2", login_opts.oauth2, "an OAuth 2 owner-only access token (prompted)");
  login->add_flag("--oauth1", login_opts.oauth1,
                  "an OAuth 1.0a owner-only consumer: consumer key and secret, access token "
                  "and secret (the secrets are prompted for)");
  optional_string(login, "--consumer-key", login_opts.consumer_key,
                  "OAuth 1.0a consumer key (with --oauth1)");
  optional_string(login, "--access-key", login_opts.access_key,
                  "OAuth 1.0a access token (with --oauth1)");
  login->add_flag("--from-env", login_opts.from_env,
                  "save the credentials the environment holds (CURATOR_BOT_USER …)");
  login->add_flag("--no-verify", login_opts.no_verify,
                  "save without asking the wiki who the credentials belong to");
  login->footer(
      "Examples:\n  curatorctl login --bot-user 'Alice@curator'\n"
      "  printf '%s\\n' \"$TOKEN\" | curatorctl login --oauth2\n"
      "  CURATOR_BOT_USER=Alice@curator CURATOR_BOT_PASSWORD=… curatorctl login --from-env");
  auto* logout = cli.add_subcommand("logout", "Delete the saved login profile");
  auto* whoami = cli.add_subcommand(
      "whoami", "Ask the wiki who the credentials belong to, with rights and rate limits");
  whoami->footer("Example:\n  curatorctl whoami --json");

  // batches, batch show|resume, retry, cancel
  BatchesOptions batches_opts;
  auto* batches = cli.add_subcommand("batches", "List batches, newest first (yours by default)");
  batches->add_flag("--all", batches_opts.all, "every user's batches");
  batches->add_option("--filter", batches_opts.filter, "batch id or username contains this");
  batches->add_option("--page", batches_opts.page, "page number")->check(CLI::Range(1, 1000000));
  batches->add_option("--limit", batches_opts.limit, "batches per page")
      ->check(CLI::Range(1, 1000));
  batches->footer("Examples:\n  curatorctl batches\n  curatorctl batches --all --filter alice");

  BatchIdOptions batch_id;
  auto* batch = cli.add_subcommand("batch", "One batch");
  batch->require_subcommand(1);
  auto* batch_show =
      batch->add_subcommand("show", "A batch's uploads with status, error and Commons URL");
  batch_show->add_option(kIdPositional, batch_id.id, "batch id")
      ->required()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{2147483647}));
  batch_show->footer("Example:\n  curatorctl batch show 42");
  auto* batch_resume =
      batch->add_subcommand("resume", "Upload a batch's queued uploads (after Ctrl-C)");
  batch_resume->add_option(kIdPositional, batch_id.id, "batch id")
      ->required()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{2147483647}));
  batch_resume->footer("Example:\n  curatorctl batch resume 42");
  RetryOptions retry_opts;
  auto* retry = cli.add_subcommand(
      "retry", "Copy a batch's failed and cancelled uploads into a new batch and upload them");
  retry->add_option(kIdPositional, retry_opts.id, "batch id")
      ->required()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{2147483647}));
  retry->add_flag("--no-wait", retry_opts.no_wait,
                  "only queue the copies (a running worker uploads them)");
  retry->footer(
      "Examples:\n  curatorctl retry 42\n  curatorctl retry 42 --no-wait --json   (then "
      "`curatorctl batch resume <new id>` or a worker)");
  auto* cancel = cli.add_subcommand("cancel", "Cancel a batch's queued uploads");
  cancel->add_option(kIdPositional, batch_id.id, "batch id")
      ->required()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{2147483647}));
  cancel->footer("Example:\n  curatorctl cancel 42");

  // presets
  auto* presets =
      cli.add_subcommand("presets", "Your saved upload settings (shared with the web UI)");
  presets->require_subcommand(1);
  PresetListOptions preset_list_opts;
  auto* presets_list = presets->add_subcommand("list", "List your presets");
  presets_list->add_option("--handler", preset_list_opts.handler, "mapillary or flickr")
      ->check(CLI::IsMember({"mapillary", "flickr"}));
  PresetSaveOptions preset_save_opts;
  auto* presets_save = presets->add_subcommand("save", "Create a preset, or update one with --id");
  presets_save->add_option("--name", preset_save_opts.name, "the preset's name")->required();
  presets_save->add_option("--handler", preset_save_opts.handler, "mapillary (default) or flickr")
      ->check(CLI::IsMember({"mapillary", "flickr"}));
  presets_save->add_option("--title", preset_save_opts.title, "file title template")->required();
  optional_string(presets_save, "--caption", preset_save_opts.caption, "caption template");
  presets_save->add_option("--language", preset_save_opts.language, "caption language (en)");
  presets_save->add_option("--category", preset_save_opts.categories,
                           "a category (repeat for more)");
  presets_save->add_flag("--exclude-date-category", preset_save_opts.exclude_date_category,
                         "{{Taken on|cat=no|…}}");
  presets_save->add_flag("--default", preset_save_opts.make_default,
                         "use it when ingest names no preset");
  presets_save
      ->add_option_function<std::int64_t>(
          "--id", [&](const std::int64_t& v) { preset_save_opts.id = v; }, "update this preset")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{2147483647}));
  presets_save->footer(
      "Example:\n  curatorctl presets save --name Streets --default \\\n"
      "    --title '{{location.city}} {{captured.date}} ({{mapillary.photo.id}}).jpg' \\\n"
      "    --caption 'Street in {{location.city}}' --category 'Streets in Berlin'");
  PresetDeleteOptions preset_delete_opts;
  auto* presets_delete = presets->add_subcommand("delete", "Delete one of your presets");
  presets_delete->add_option("preset", preset_delete_opts.preset, "preset id or name")->required();
  presets_delete->add_option("--handler", preset_delete_opts.handler, "mapillary or flickr")
      ->check(CLI::IsMember({"mapillary", "flickr"}));

  // ingest
  IngestOptions ingest_opts;
  auto* ingest = cli.add_subcommand(
      "ingest", "List a Mapillary sequence or Flickr album and upload its photos to Commons");
  ingest->add_option("handler", ingest_opts.handler, "mapillary or flickr")
      ->required()
      ->check(CLI::IsMember({"mapillary", "flickr"}));
  ingest
      ->add_option("collection", ingest_opts.collection,
                   "sequence/album id or URL, photo URL, or photo ids")
      ->required();
  optional_string(ingest, "--preset", ingest_opts.preset, "preset name or id");
  ingest->add_flag("--no-preset", ingest_opts.no_preset, "ignore your default preset");
  optional_string(ingest, "--title", ingest_opts.title, "file title template");
  optional_string(ingest, "--wikitext-file", ingest_opts.wikitext_file,
                  "page text template file (default: the web UI's wikitext)");
  ingest->add_option("--category", ingest_opts.categories, "a category (repeat for more)");
  optional_string(ingest, "--caption", ingest_opts.caption, "caption template");
  optional_string(ingest, "--language", ingest_opts.language, "caption language (en)");
  optional_string(ingest, "--license", ingest_opts.license,
                  "license template instead of the source's, e.g. '{{cc-zero}}'");
  ingest->add_flag("--exclude-date-category", ingest_opts.exclude_date_category,
                   "{{Taken on|cat=no|…}}");
  optional_string(ingest, "--select", ingest_opts.select,
                  "positions, ranges or ids, e.g. 1-10,15,1000000000000003");
  ingest->add_flag("--skip-existing", ingest_opts.skip_existing, "skip photos already on Commons");
  ingest->add_flag("--dry-run", ingest_opts.dry_run,
                   "print each file's title, wikitext, caption and SDC; upload nothing");
  ingest->add_flag("--no-blacklist-check", ingest_opts.no_blacklist_check,
                   "do not ask the wiki's title blacklist during planning");
  ingest->add_flag("--no-wait", ingest_opts.no_wait,
                   "only queue the uploads (a worker uploads them)");
  ingest->footer(
      "Examples:\n  curatorctl ingest mapillary tuN7sZ0kBdTKw5JjH3qHYD --dry-run\n"
      "  curatorctl ingest flickr https://www.flickr.com/photos/alice/albums/72157600000000001 "
      "--preset Streets\n"
      "  curatorctl ingest mapillary seq-small --select 1-2 --title "
      "'Berlin {{captured.date}} ({{mapillary.photo.id}}).jpg'\n"
      "Running the same command again resumes it without uploading anything twice.");

  // worker
  WorkerOptions worker_opts;
  auto* worker = cli.add_subcommand("worker", "Upload queued uploads until stopped (Ctrl-C)");
  worker->add_option("--threads", worker_opts.threads, "concurrent uploads (CURATOR_WORKERS)")
      ->check(CLI::Range(1, 256));
  worker->add_flag("--once", worker_opts.once, "stop when nothing is queued");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return parse_error(cli, e);
  }

  // Describing the variables must work even when their values are wrong.
  if (config_describe->parsed()) return run_config_describe();
  std::optional<Context> ctx;
  try {
    ctx.emplace(global);
    auto& c = *ctx;
    if (config_show->parsed()) return run_config_show(c);
    if (migrate->parsed()) return run_migrate(c);
    if (login->parsed()) return run_login(c, login_opts);
    if (logout->parsed()) return run_logout(c);
    if (whoami->parsed()) return run_whoami(c);
    if (batches->parsed()) return run_batches(c, batches_opts);
    if (batch_show->parsed()) return run_batch_show(c, batch_id);
    if (batch_resume->parsed()) return run_batch_resume(c, batch_id);
    if (retry->parsed()) return run_retry(c, retry_opts);
    if (cancel->parsed()) return run_cancel(c, batch_id);
    if (presets_list->parsed()) return run_presets_list(c, preset_list_opts);
    if (presets_save->parsed()) return run_presets_save(c, preset_save_opts);
    if (presets_delete->parsed()) return run_presets_delete(c, preset_delete_opts);
    if (ingest->parsed()) return run_ingest(c, ingest_opts);
    if (worker->parsed()) return run_worker(c, worker_opts);
    return kExitUsage;
  } catch (const curator::Error& e) {
    return report(ctx ? &*ctx : nullptr, e);
  } catch (const std::exception& e) {
    std::cerr << "curatorctl: " << e.what() << '\n';
    return kExitService;
  }
}
