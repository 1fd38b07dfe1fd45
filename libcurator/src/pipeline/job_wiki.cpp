// The upload itself and what follows it: the chunked upload and its
// outcomes, structured data for the new file, the duplicate flow that merges
// SDC into an existing file, and the resume of an earlier run's publish.
#include <fmt/format.h>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "curator/mediawiki/chunked_upload.hpp"
#include "curator/mediawiki/titles.hpp"
#include "curator/sdc/codec.hpp"
#include "curator/sdc/merge.hpp"
#include "curator/sdc/payload.hpp"
#include "pipeline/failpoint.hpp"
#include "pipeline/job_run.hpp"

namespace curator::pipeline::detail {

namespace {

constexpr std::string_view kLog = "pipeline";

std::string join_titles(const std::vector<ErrorLink>& links) {
  std::string out;
  for (const auto& l : links)
    out += (out.empty() ? "" : ", ") + l.title;
  return out;
}

}  // namespace

std::string JobRun::summary(std::string_view verb) const {
  auto text = fmt::format("{} {} image {} (batch {})", verb, source_name_, row_.key, row_.batchid);
  if (!edit_group_id_.empty()) {
    text +=
        fmt::format(" ([[:toolforge:editgroups-commons/b/curator/{}|details]])", edit_group_id_);
  }
  return text;
}

JobReport JobRun::upload() {
  step_ = Step::wiki;
  mediawiki::ChunkedUploadOptions options;
  options.chunk_size = env_.options.chunk_size;
  options.async = env_.options.async_upload;
  options.comment = summary("Uploaded via Curator from");
  options.text = row_.wikitext;
  options.on_progress = [this](const mediawiki::UploadSession& s) {
    using Stage = mediawiki::UploadSession::Stage;
    progress_->report(TransferPhase::upload, s.offset, s.file_size);
    if (s.stage == Stage::sending && s.offset > 0 && s.offset < s.file_size) {
      failpoint(Failpoint::chunk);
    }
    if (s.stage == Stage::sending || s.stage == Stage::assembling) control_.checkpoint();
    if (s.stage == Stage::stashed) {
      // The publish request goes out next; whatever happens from here on,
      // the file may be on Commons, so the job finishes no matter what.
      control_.checkpoint();
      control_.pass_point_of_no_return();
      failpoint(Failpoint::stash);
    }
  };
  mediawiki::ChunkedUpload upload(*wiki_, file_->file.path(), file_name_, std::move(options),
                                  file_->sha1_hex);
  progress_->report(TransferPhase::upload, 0, file_->size);
  const auto outcome = upload.run();
  using Kind = mediawiki::UploadOutcomeKind;
  switch (outcome.kind) {
    case Kind::published:
      control_.pass_point_of_no_return();
      failpoint(Failpoint::publish);
      file_name_ = outcome.file_name;
      return after_publish(outcome.description_url, false);
    case Kind::duplicate:
      if (!outcome.duplicates.empty() && is_own_earlier_upload(outcome.duplicates.front())) {
        control_.pass_point_of_no_return();
        const auto info = wiki_->image_info(outcome.duplicates.front());
        return after_publish(info ? info->description_url : std::string(), true);
      }
      return duplicate_of(outcome.duplicates,
                          fmt::format("File {} already exists on Commons", file_name_));
    case Kind::exists:
      return fail(
          fmt::format("A different file already has the name File:{} on Commons. Choose "
                      "another title, then retry.",
                      outcome.existing_name));
    case Kind::blacklisted:
      return fail(outcome.error && !outcome.error->info.empty() ? outcome.error->info
                                                                : "Title is blacklisted",
                  StructuredErrorType::title_blacklisted);
    case Kind::bad_filename:
      return fail(fmt::format("Commons refuses this title: {}. Change the title, then retry.",
                              outcome.describe()));
    case Kind::was_deleted:
      return fail(
          fmt::format("A file named File:{} was deleted from Commons before; ask an "
                      "administrator, or choose another title and retry.",
                      outcome.existing_name));
    case Kind::duplicate_archive:
      return fail(
          fmt::format("This exact file was deleted from Commons before (as File:{}); it "
                      "was not uploaded again.",
                      outcome.existing_name));
    case Kind::file_refused:
    case Kind::warning:
      break;
  }
  return fail(fmt::format("Commons did not accept the file: {}", outcome.describe()));
}

JobReport JobRun::after_publish(const std::string& url, bool merge_existing) {
  // The file is on Commons: from here the job finishes, whatever stops it.
  control_.pass_point_of_no_return();
  release_lock();
  step_ = Step::after_publish;
  const auto title = mediawiki::file_title(file_name_);
  // A resumed run (merge_existing) re-renders the page even when its merge
  // adds nothing: the run before it may have saved the SDC and died before
  // its null edit.
  if (apply_sdc(title, summary("Uploaded via Curator from"), merge_existing) || merge_existing) {
    wiki_->null_edit(title);
  }
  auto link = url;
  if (link.empty()) {
    if (const auto info = wiki_->image_info(file_name_)) link = info->description_url;
  }
  return finish(UploadStatus::completed, std::nullopt, link);
}

std::optional<sdc::Entity> JobRun::existing_sdc(const std::string& title) {
  const auto entity = wiki_->entity_by_title(env_.site, title);
  switch (entity.state) {
    case mediawiki::Entity::State::exists:
      return sdc::parse_entity(json::value(entity.raw));
    case mediawiki::Entity::State::empty:
      return std::nullopt;
    case mediawiki::Entity::State::no_page:
      break;
  }
  // allimages (a replica) saw the file, the page is not there yet: try again later.
  throw Error(ErrorKind::transient, title + " has no page on the wiki yet", "page_missing");
}

bool JobRun::apply_sdc(const std::string& title, const std::string& edit_summary,
                       bool merge_existing) {
  if (sdc_.statements.empty() && !sdc_.label) return false;
  mediawiki::EntityEdit edit;
  edit.site = env_.site;
  edit.title = title;
  edit.summary = edit_summary;
  std::optional<json::object> payload;
  std::optional<Label> label = sdc_.label;
  if (merge_existing) {
    // Never add a statement twice: merge into what the file already has.
    auto merged = sdc::merge(existing_sdc(title), sdc_);
    label = merged.label;
    payload = sdc::merge_payload(merged);
  } else {
    payload = sdc::new_file_payload(sdc_);
  }
  if (!payload) return false;
  if (const auto* claims = payload->if_contains("claims"); claims && claims->is_array()) {
    edit.claims = claims->as_array();
  }
  if (label) edit.labels.emplace(label->language, label->value);
  if (edit.claims.empty() && edit.labels.empty()) return false;
  control_.checkpoint();
  wiki_->edit_entity(edit);
  failpoint(Failpoint::sdc);
  return true;
}

std::vector<ErrorLink> JobRun::links_for(const std::vector<std::string>& names) {
  std::vector<ErrorLink> links;
  for (const auto& name : names) {
    const auto info = wiki_->image_info(name);
    links.push_back({mediawiki::file_title(name), info ? info->description_url : std::string()});
  }
  return links;
}

JobReport JobRun::duplicate_of(const std::vector<mediawiki::FileRecord>& files) {
  std::vector<std::string> names;
  for (const auto& f : files)
    names.push_back(f.name);
  return duplicate_of(std::move(names),
                      fmt::format("File {} already exists on Commons", file_name_));
}

JobReport JobRun::duplicate_of(std::vector<std::string> names, std::string message) {
  step_ = Step::wiki;
  auto links = links_for(names);
  if (links.empty())
    return finish(UploadStatus::duplicate,
                  StructuredError{StructuredErrorType::duplicate, std::move(message), {}});
  message += " as " + join_titles(links);
  if (sdc_.statements.empty() && !sdc_.label) {
    return finish(UploadStatus::duplicate,
                  StructuredError{StructuredErrorType::duplicate, message, links});
  }
  const auto& target = links.front().title;
  auto merged = sdc::merge(existing_sdc(target), sdc_);
  const auto payload = sdc::merge_payload(merged);
  if (!payload) {
    log::info(kLog, target + " already has this structured data");
    return finish(UploadStatus::duplicated_sdc_not_updated,
                  StructuredError{StructuredErrorType::duplicated_sdc_not_updated, message, links});
  }
  mediawiki::EntityEdit edit;
  edit.site = env_.site;
  edit.title = target;
  edit.summary = summary("Merging SDC from");
  if (const auto* claims = payload->if_contains("claims"); claims && claims->is_array()) {
    edit.claims = claims->as_array();
  }
  if (merged.label) edit.labels.emplace(merged.label->language, merged.label->value);
  control_.checkpoint();
  wiki_->edit_entity(edit);
  failpoint(Failpoint::sdc);
  wiki_->null_edit(target);
  return finish(UploadStatus::duplicated_sdc_updated,
                StructuredError{StructuredErrorType::duplicated_sdc_updated, message, links});
}

}  // namespace curator::pipeline::detail
