#pragma once
// ChunkedUpload drives one file through MediaWiki's chunked upload: chunks
// streamed from disk into the stash (never the whole file in memory), async
// assembly polled with checkstatus (or inline assembly), a check that the
// stash holds exactly the local bytes (size and SHA-1), then the publish
// (async or not) and the typed outcome. It resumes at the offset the server
// reports, starts again once when the stash lost the upload, and hands its
// state to a callback after every step so an interrupted upload can resume
// from a stored UploadSession. It knows nothing about where the file came
// from or what happens after the publish (structured data, null edit).

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "curator/export.hpp"
#include "curator/mediawiki/client.hpp"
#include "curator/mediawiki/upload.hpp"

namespace curator::mediawiki {

/// Smallest chunk MediaWiki accepts for a chunk that is not the last one.
inline constexpr std::size_t kMinChunkSize = 1024;

struct ChunkedUploadOptions {
  std::size_t chunk_size = 5u << 20;  // at least kMinChunkSize
  /// async=1 on the last chunk and on the publish, then checkstatus polling:
  /// large files do not hit request timeouts while the wiki assembles them.
  bool async = true;
  /// Publish despite warnings (an existing name is overwritten when the user
  /// may do so). Off: warnings end the upload with a typed outcome.
  bool ignore_warnings = false;
  std::string comment;  // the upload summary
  std::string text;     // the description page's wikitext
  std::vector<std::string> tags;
  /// Polling of async jobs: first wait, growth up to the cap, total time.
  std::chrono::milliseconds poll_interval{200};
  std::chrono::milliseconds max_poll_interval{5000};
  std::chrono::seconds poll_timeout{600};
  /// Times the upload starts again from byte 0 when the stash lost it
  /// (expired or unknown key, lost status, stashed bytes that differ).
  int max_restarts = 1;
  /// Times a chunk may be re-sent at the offset the server names.
  int max_offset_resyncs = 16;
  /// Lower-case extensions the wiki accepts (checked before any byte is
  /// sent); empty: left to the wiki.
  std::vector<std::string> allowed_extensions;
  /// Called after every step with the state to persist.
  std::function<void(const UploadSession&)> on_progress;
};

class CURATOR_API ChunkedUpload {
 public:
  /// A new upload of `file` as File:<file_name>. `sha1` is the file's SHA-1
  /// when already known (hashed while downloading); empty: hashed here once.
  /// A given SHA-1 is checked against the one the wiki reports for the
  /// assembled stash (the file is hashed here only when they differ or the
  /// wiki reports none): a wrong one fails with "file_changed" before the
  /// publish.
  ChunkedUpload(MediaWikiClient& client, std::filesystem::path file, std::string file_name,
                ChunkedUploadOptions options = {}, std::string sha1 = {});
  /// Resumes a stored session for the same file.
  ChunkedUpload(MediaWikiClient& client, std::filesystem::path file, UploadSession session,
                ChunkedUploadOptions options = {});

  /// Runs the upload to an outcome. Throws Error(invalid_input) for a bad
  /// name (before sending anything), an empty or changed file or bad options;
  /// ApiException for API errors that are not outcomes (rate limits, lost
  /// sessions, ...); Error(transient, "upload-poll-timeout") when an async job
  /// outlives poll_timeout (the session stays resumable).
  UploadOutcome run();

  const UploadSession& session() const { return session_; }

 private:
  std::optional<UploadOutcome> send_chunks();
  std::optional<UploadOutcome> await_job();
  std::optional<UploadOutcome> publish();
  std::optional<UploadOutcome> stashed(const UploadReply& reply);
  std::optional<UploadOutcome> published(const UploadReply& reply);
  std::optional<UploadOutcome> from_warnings(const UploadWarnings& warnings,
                                             std::optional<std::string> filekey);
  bool already_published();
  void confirm_visible(UploadOutcome& outcome);
  void sleep(std::chrono::milliseconds delay) const;
  void verify_stash(const UploadReply& reply);
  void restart(const std::string& why);
  void progress();
  void prepare();
  void check_given_sha1();

  MediaWikiClient& client_;
  std::filesystem::path file_;
  ChunkedUploadOptions options_;
  UploadSession session_;
  int resyncs_ = 0;
  bool sha1_checked_ = false;  // session_.sha1 was computed from the file here
};

}  // namespace curator::mediawiki
