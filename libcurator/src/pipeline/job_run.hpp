#pragma once
// JobRun: the state of one UploadJob::run (docs/pipeline.md, "The job").
// job.cpp holds the skeleton (claim, error handling, outcomes), job_steps.cpp
// the steps before the publish, job_wiki.cpp the upload and the SDC work.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "curator/core/credentials.hpp"
#include "curator/core/media_image.hpp"
#include "curator/core/structured_error.hpp"
#include "curator/http/download.hpp"
#include "curator/mediawiki/client.hpp"
#include "curator/mediawiki/files.hpp"
#include "curator/pipeline/job.hpp"
#include "curator/pipeline/progress.hpp"
#include "curator/sdc/statement.hpp"
#include "curator/store/uploads.hpp"
#include "pipeline/control.hpp"
#include "pipeline/failure.hpp"
#include "pipeline/heartbeat.hpp"

namespace curator::pipeline::detail {

class JobRun {
 public:
  JobRun(const JobEnvironment& env, const std::string& owner, store::Id id,
         const std::atomic<bool>* stop, const std::function<void()>& touch);
  ~JobRun();

  JobReport run();

 private:
  // job.cpp: skeleton and outcomes.
  JobReport work();
  JobReport on_error(const std::exception& e);
  JobReport finish(UploadStatus status, std::optional<StructuredError> error,
                   std::optional<std::string> success = {});
  JobReport fail(std::string message, StructuredErrorType type = StructuredErrorType::error);
  JobReport requeue(const Decision& decision);
  JobReport release();
  JobReport moved_on(std::string why);
  void publish(UploadStatus status, const std::optional<StructuredError>& error,
               const std::optional<std::string>& success);
  TimePoint paced(TimePoint at);
  void release_lock();

  // job_steps.cpp: before the upload.
  std::optional<JobReport> open_session();
  void fetch_metadata();
  std::optional<JobReport> check_title();
  void download();
  std::optional<JobReport> check_duplicates();
  std::optional<JobReport> lock_file();

  // job_wiki.cpp: the upload and what follows it.
  JobReport upload();
  JobReport after_publish(const std::string& url, bool merge_existing);
  JobReport duplicate_of(std::vector<std::string> names, std::string message);
  JobReport duplicate_of(const std::vector<mediawiki::FileRecord>& files);
  std::optional<sdc::Entity> existing_sdc(const std::string& title);
  bool apply_sdc(const std::string& title, const std::string& summary, bool merge_existing);
  std::vector<ErrorLink> links_for(const std::vector<std::string>& names);
  std::string summary(std::string_view verb) const;
  bool is_own_earlier_upload(std::string_view name) const;

  const JobEnvironment& env_;
  const std::string& owner_;
  store::Id id_;
  store::UploadRepository uploads_;
  JobControl control_;
  const std::function<void()>& touch_;
  std::unique_ptr<Heartbeat> heartbeat_;
  std::optional<ProgressThrottle> progress_;

  Step step_ = Step::credentials;
  store::UploadRequest row_;
  std::string edit_group_id_;
  std::string source_name_;
  std::string file_name_;  // normalised, without "File:"
  std::optional<Credentials> credentials_;
  std::unique_ptr<mediawiki::MediaWikiClient> wiki_;
  MediaImage image_;
  sdc::StructuredData sdc_;
  std::optional<http::DownloadedFile> file_;
  std::string lock_key_;
  std::string lock_token_;
  bool locked_ = false;
};

}  // namespace curator::pipeline::detail
