// presets list|save|delete: the same presets the web UI saves.
#include <fmt/format.h>

#include "commands.hpp"
#include "context.hpp"
#include "curator/service/presets.hpp"
#include "curator/service/wire.hpp"
#include "exit_codes.hpp"

namespace curator::cli {
namespace {

service::Handler handler_of(const std::string& name) {
  if (auto h = service::parse_handler(name)) return *h;
  throw Error(ErrorKind::invalid_input, "--handler must be mapillary or flickr", "usage");
}

std::string one_line(std::string text) {
  for (auto& c : text)
    if (c == '\n' || c == '\r') c = '|';
  return text;
}

}  // namespace

int run_presets_list(Context& ctx, const PresetListOptions& options) {
  const auto actor = ctx.actor();
  service::PresetService presets(ctx.database());
  std::vector<service::Handler> handlers;
  if (options.handler.empty()) {
    handlers = {service::Handler::mapillary, service::Handler::flickr};
  } else {
    handlers = {handler_of(options.handler)};
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto h : handlers) {
    const auto list = presets.list(actor, h);
    if (ctx.out().json()) {
      json::array items;
      for (const auto& p : list)
        items.push_back(service::to_json(p));
      ctx.out().object(
          json::object{{"handler", service::to_string(h)}, {"presets", std::move(items)}});
      continue;
    }
    for (const auto& p : list) {
      rows.push_back({std::to_string(p.id), p.handler, p.is_default ? "yes" : "", p.title,
                      ellipsize(p.title_template, 50),
                      p.labels ? p.labels->language + ": " + ellipsize(p.labels->value, 30) : "",
                      ellipsize(one_line(p.categories.value_or("")), 40)});
    }
  }
  if (!ctx.out().json()) {
    ctx.out().table({"ID", "HANDLER", "DEFAULT", "NAME", "TITLE", "CAPTION", "CATEGORIES"}, rows);
  }
  return kExitOk;
}

int run_presets_save(Context& ctx, const PresetSaveOptions& options) {
  if (options.name.empty()) {
    throw Error(ErrorKind::invalid_input, "--name must not be empty", "usage");
  }
  if (options.title.empty()) {
    throw Error(ErrorKind::invalid_input, "--title must not be empty", "usage");
  }
  service::PresetInput input;
  input.title = options.name;
  input.title_template = options.title;
  if (options.caption) input.labels = Label{options.language, *options.caption};
  if (!options.categories.empty()) {
    std::string text;
    for (const auto& c : options.categories) {
      if (c.find('\n') != std::string::npos) {
        throw Error(ErrorKind::invalid_input, "--category: one category per flag, no newlines",
                    "usage");
      }
      text += (text.empty() ? "" : "\n") + c;
    }
    input.categories = text;
  }
  input.exclude_from_date_category = options.exclude_date_category;
  input.is_default = options.make_default;
  const auto actor = ctx.actor();
  const auto saved = service::PresetService(ctx.database())
                         .save(actor, handler_of(options.handler), input, options.id);
  if (ctx.out().json()) {
    ctx.out().object(service::to_json(saved));
  } else {
    ctx.out().line(fmt::format("{} preset {} \"{}\" ({}{}).", options.id ? "Updated" : "Saved",
                               saved.id, saved.title, saved.handler,
                               saved.is_default ? ", default" : ""));
  }
  return kExitOk;
}

int run_presets_delete(Context& ctx, const PresetDeleteOptions& options) {
  const auto actor = ctx.actor();
  service::PresetService presets(ctx.database());
  const auto found = presets.find(actor, handler_of(options.handler), options.preset);
  if (!found) {
    throw Error(
        ErrorKind::not_found,
        fmt::format("no preset '{}' among your {} presets", options.preset, options.handler),
        "preset_not_found");
  }
  const auto removed = presets.remove(actor, found->id);
  if (ctx.out().json()) {
    ctx.out().object(json::object{{"event", "deleted"}, {"preset", service::to_json(removed)}});
  } else {
    ctx.out().line(fmt::format("Deleted preset {} \"{}\".", removed.id, removed.title));
  }
  return kExitOk;
}

}  // namespace curator::cli
