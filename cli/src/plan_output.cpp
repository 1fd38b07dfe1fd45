#include "plan_output.hpp"

#include <fmt/format.h>

#include <map>

#include "curator/core/json.hpp"

namespace curator::cli {
namespace {

std::string indented(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto nl = text.find('\n', start);
    const auto end = nl == std::string_view::npos ? text.size() : nl;
    out += "    ";
    out.append(text.substr(start, end - start));
    out += '\n';
    start = end + 1;
  }
  if (!out.empty()) out.pop_back();
  return out;
}

json::object file_json(const service::PlannedFile& f) {
  json::object o{{"event", "file"},        {"position", f.position},
                 {"id", f.image.id},       {"title", f.title},
                 {"wikitext", f.wikitext}, {"copyright_override", f.copyright_override}};
  if (f.caption) o["caption"] = to_json(*f.caption);
  if (f.sdc) o["sdc"] = *f.sdc;
  if (!f.image.existing.empty()) {
    json::array existing;
    for (const auto& e : f.image.existing)
      existing.emplace_back(e.url);
    o["existing"] = std::move(existing);
  }
  if (f.skip) {
    o["skip"] = json::object{{"reason", service::to_string(*f.skip)}, {"detail", f.skip_detail}};
  }
  return o;
}

}  // namespace

void print_plan(Output& out, const std::vector<service::PlannedFile>& files) {
  for (const auto& f : files) {
    if (out.json()) {
      out.object(file_json(f));
      continue;
    }
    out.line(fmt::format("[{}] {} → File:{}", f.position, f.image.id, f.title));
    if (f.skip) {
      out.line(fmt::format("  SKIP {}: {}", service::to_string(*f.skip), f.skip_detail));
    }
    for (const auto& e : f.image.existing)
      out.line("  on Commons already: " + e.url);
    if (f.caption)
      out.line(fmt::format("  caption ({}): {}", f.caption->language, f.caption->value));
    if (!f.wikitext.empty()) out.line("  wikitext:\n" + indented(f.wikitext));
    if (f.sdc) out.line("  sdc: " + json::serialize(*f.sdc));
  }
}

void print_skips(Output& out, const std::vector<service::PlannedFile>& files) {
  for (const auto& f : files) {
    if (!f.skip) continue;
    if (out.json()) {
      out.object(json::object{{"event", "skipped"},
                              {"position", f.position},
                              {"id", f.image.id},
                              {"title", f.title},
                              {"reason", service::to_string(*f.skip)},
                              {"detail", f.skip_detail}});
    } else {
      out.line(fmt::format("skip [{}] {}: {}: {}", f.position, f.image.id,
                           service::to_string(*f.skip), f.skip_detail));
    }
  }
}

void print_plan_summary(Output& out, const std::string& collection,
                        const std::vector<service::PlannedFile>& files,
                        std::optional<store::Id> resume_batch, bool dry_run) {
  std::map<std::string, std::size_t> skipped;
  std::size_t upload = 0;
  for (const auto& f : files) {
    if (f.skip) {
      ++skipped[std::string(service::to_string(*f.skip))];
    } else {
      ++upload;
    }
  }
  if (out.json()) {
    json::object reasons;
    for (const auto& [reason, n] : skipped)
      reasons[reason] = n;
    json::object o{{"event", "plan"},  {"collection", collection},      {"files", files.size()},
                   {"upload", upload}, {"skipped", std::move(reasons)}, {"dry_run", dry_run}};
    if (resume_batch) o["resume_batch"] = *resume_batch;
    out.object(o);
    return;
  }
  std::string reasons;
  for (const auto& [reason, n] : skipped)
    reasons += fmt::format("{}{} {}", reasons.empty() ? "" : ", ", n, reason);
  std::size_t skipped_total = files.size() - upload;
  out.line(fmt::format("{}: {} files, {} to upload, {} skipped{}{}", collection, files.size(),
                       upload, skipped_total, reasons.empty() ? "" : " (" + reasons + ")",
                       resume_batch ? fmt::format("; resumes batch {}", *resume_batch) : ""));
}

}  // namespace curator::cli
