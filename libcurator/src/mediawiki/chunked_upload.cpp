#include "curator/mediawiki/chunked_upload.hpp"

#include <algorithm>
#include <system_error>
#include <thread>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "curator/http/download.hpp"
#include "curator/mediawiki/api_error.hpp"
#include "curator/mediawiki/titles.hpp"

namespace curator::mediawiki {
namespace {

constexpr std::string_view kLog = "mediawiki";

// The stash holds other bytes than the local file: start again.
struct StashMismatch {
  std::string why;
};

std::uint64_t file_size_of(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) {
    throw Error(ErrorKind::invalid_input, "cannot read the file to upload: " + ec.message(),
                "file_unreadable");
  }
  return size;
}

bool restartable(ApiErrorType type) {
  return type == ApiErrorType::stash_not_found || type == ApiErrorType::missing_result;
}

}  // namespace

ChunkedUpload::ChunkedUpload(MediaWikiClient& client, std::filesystem::path file,
                             std::string file_name, ChunkedUploadOptions options, std::string sha1)
    : client_(client), file_(std::move(file)), options_(std::move(options)) {
  session_.file_name = std::move(file_name);
  session_.sha1 = std::move(sha1);
}

ChunkedUpload::ChunkedUpload(MediaWikiClient& client, std::filesystem::path file,
                             UploadSession session, ChunkedUploadOptions options)
    : client_(client),
      file_(std::move(file)),
      options_(std::move(options)),
      session_(std::move(session)) {}

void ChunkedUpload::progress() {
  if (options_.on_progress) options_.on_progress(session_);
}

void ChunkedUpload::prepare() {
  if (options_.chunk_size < kMinChunkSize) {
    throw Error(ErrorKind::invalid_input,
                "chunk size must be at least " + std::to_string(kMinChunkSize) + " bytes",
                "invalid_upload_options");
  }
  session_.file_name = require_valid_file_name(session_.file_name, options_.allowed_extensions);
  const auto size = file_size_of(file_);
  if (size == 0) throw Error(ErrorKind::invalid_input, "the file to upload is empty", "empty-file");
  const bool resumed = session_.file_size != 0;
  if (resumed && size != session_.file_size) {
    throw Error(ErrorKind::invalid_input, "the file changed size since its upload began",
                "file_changed");
  }
  session_.file_size = size;
  // A new upload's SHA-1 the caller knows (hashed while downloading) is
  // trusted for now: the wiki reports the assembled file's SHA-1 before the
  // publish, and verify_stash() checks the bytes against it; hashing the
  // file again here would double the upload's CPU cost for nothing. A
  // resumed session is checked now: the stash already holds its bytes, so
  // the wiki's SHA-1 would only confirm the session, not this file.
  if (session_.sha1.empty()) {
    session_.sha1 = http::sha1_file_hex(file_);
    sha1_checked_ = true;
  } else if (resumed) {
    check_given_sha1();
  }
}

void ChunkedUpload::check_given_sha1() {
  if (sha1_checked_) return;
  const auto actual = http::sha1_file_hex(file_);
  sha1_checked_ = true;
  if (actual != session_.sha1) {
    // Upstream hashed bytes it had not flushed; never publish other bytes
    // than the ones the duplicate check looked at.
    throw Error(ErrorKind::invalid_input,
                "the file's SHA-1 is not the one given for it (" + actual + ")", "file_changed");
  }
}

void ChunkedUpload::restart(const std::string& why) {
  if (session_.restarts >= options_.max_restarts) {
    throw Error(ErrorKind::transient,
                "the upload of File:" + session_.file_name + " was lost again: " + why,
                "stash_lost");
  }
  log::warning(kLog, "File:" + session_.file_name + ": " + why + "; starting again from byte 0");
  ++session_.restarts;
  session_.stage = UploadSession::Stage::sending;
  session_.filekey.reset();
  session_.offset = 0;
  resyncs_ = 0;
  progress();
}

UploadOutcome ChunkedUpload::run() {
  prepare();
  log::info(kLog, "uploading File:" + session_.file_name + " (" +
                      std::to_string(session_.file_size) + " bytes, stage " +
                      std::string(to_string(session_.stage)) + ")");
  for (;;) {
    try {
      std::optional<UploadOutcome> outcome;
      switch (session_.stage) {
        case UploadSession::Stage::sending:
          outcome = send_chunks();
          break;
        case UploadSession::Stage::assembling:
        case UploadSession::Stage::publishing:
          outcome = await_job();
          break;
        case UploadSession::Stage::stashed:
          outcome = publish();
          break;
        case UploadSession::Stage::done:
          throw Error(ErrorKind::invalid_input, "this upload session is finished",
                      "invalid_upload_session");
      }
      if (outcome) {
        outcome->sha1 = session_.sha1;
        session_.stage = UploadSession::Stage::done;
        progress();
        log::info(kLog, outcome->describe());
        return *outcome;
      }
    } catch (const ApiException& e) {
      if (!restartable(e.type())) throw;
      restart(e.api_error().describe());
    } catch (const StashMismatch& m) {
      restart(m.why);
    }
  }
}

std::optional<UploadOutcome> ChunkedUpload::send_chunks() {
  const auto size = session_.file_size;
  while (session_.offset < size) {
    ChunkRequest chunk;
    chunk.file_name = session_.file_name;
    chunk.file_size = size;
    chunk.offset = session_.offset;
    chunk.length = std::min<std::uint64_t>(options_.chunk_size, size - session_.offset);
    chunk.filekey = session_.offset == 0 ? std::nullopt : session_.filekey;
    chunk.path = file_;
    const bool last = chunk.offset + chunk.length == size;
    chunk.async = last && options_.async;
    UploadReply reply;
    try {
      reply = client_.upload_chunk(chunk);
    } catch (const ApiException& e) {
      const auto& error = e.api_error();
      switch (error.type) {
        case ApiErrorType::wrong_offset: {
          const auto expected = error.expected_offset();
          if (!expected || *expected > size || ++resyncs_ > options_.max_offset_resyncs) throw;
          log::info(kLog, "File:" + session_.file_name + ": the server holds " +
                              std::to_string(*expected) + " bytes; resuming there");
          if (*expected == size) {
            session_.stage = UploadSession::Stage::assembling;
            progress();
            return std::nullopt;
          }
          session_.offset = *expected;
          progress();
          continue;
        }
        case ApiErrorType::stash_not_found:
          // A repeated last chunk can find its chunks already consumed by
          // the assembly job; the key's status then still names the result
          // (and says nothing when the stash really lost it: a restart).
          if (!last || !session_.filekey) throw;
          [[fallthrough]];
        case ApiErrorType::upload_completed:
        case ApiErrorType::upload_in_progress:
          // The last chunk arrived before (its answer was lost): the assembly
          // ran or runs; its status says how it ended.
          session_.offset = size;
          session_.stage = UploadSession::Stage::assembling;
          progress();
          return std::nullopt;
        default:
          if (auto outcome = outcome_from_error(error, session_.file_name)) return outcome;
          throw;
      }
    }
    if (reply.filekey) {
      session_.filekey = reply.filekey;
    } else if (!session_.filekey) {
      throw Error(ErrorKind::permanent, "the wiki accepted a chunk without naming its filekey",
                  "malformed-answer");
    }
    switch (reply.result) {
      case UploadResult::continue_: {
        const auto next = *reply.offset;
        if (next <= chunk.offset || next > size) {
          if (++resyncs_ > options_.max_offset_resyncs) {
            throw Error(ErrorKind::permanent,
                        "the wiki's chunk offsets do not advance (" + std::to_string(next) + ")",
                        "chunk_offsets_stuck");
          }
        }
        session_.offset = std::min(next, size);
        progress();
        break;
      }
      case UploadResult::poll:
        session_.offset = size;
        session_.stage = UploadSession::Stage::assembling;
        progress();
        return std::nullopt;
      case UploadResult::success:
        session_.offset = size;
        return stashed(reply);
      case UploadResult::warning:
        return from_warnings(reply.warnings, reply.filekey);
    }
  }
  // Every byte is there but the assembly's answer was never seen.
  session_.stage = UploadSession::Stage::assembling;
  progress();
  return std::nullopt;
}

void ChunkedUpload::verify_stash(const UploadReply& reply) {
  if (reply.size && *reply.size != session_.file_size) {
    throw StashMismatch{"the stash holds " + std::to_string(*reply.size) + " bytes, not " +
                        std::to_string(session_.file_size)};
  }
  if (!reply.sha1) {
    check_given_sha1();  // the wiki did not say: look at the bytes here
  } else if (*reply.sha1 != session_.sha1) {
    check_given_sha1();  // a wrong given SHA-1 is the caller's error, not a lost stash
    throw StashMismatch{"the stashed file's SHA-1 is " + *reply.sha1 + ", not " + session_.sha1};
  }
}

std::optional<UploadOutcome> ChunkedUpload::stashed(const UploadReply& reply) {
  if (!reply.filekey) {
    throw Error(ErrorKind::permanent, "the assembled file has no filekey", "malformed-answer");
  }
  verify_stash(reply);
  session_.filekey = reply.filekey;
  session_.stage = UploadSession::Stage::stashed;
  progress();
  // Content warnings (duplicate) exist only once the chunks are assembled;
  // acting on them now saves a publish that would only repeat them. Name
  // warnings wait for the publish: its title checks (blacklist, protection)
  // come first there and give the more precise answer.
  if (!options_.ignore_warnings && reply.warnings.about_content()) {
    return from_warnings(reply.warnings, reply.filekey);
  }
  return std::nullopt;
}

std::optional<UploadOutcome> ChunkedUpload::from_warnings(const UploadWarnings& warnings,
                                                          std::optional<std::string> filekey) {
  auto outcome = outcome_from_warnings(warnings, session_.file_name);
  if (!outcome) return std::nullopt;
  outcome->filekey = std::move(filekey);
  if (outcome->kind == UploadOutcomeKind::exists) {
    // Upstream compared hashes here: the same bytes under the name are a duplicate.
    if (const auto existing = client_.image_info(outcome->existing_name);
        existing && existing->sha1 == session_.sha1) {
      outcome->kind = UploadOutcomeKind::duplicate;
      outcome->duplicates = {existing->name};
    }
  }
  return outcome;
}

std::optional<UploadOutcome> ChunkedUpload::await_job() {
  if (!session_.filekey) {
    throw Error(ErrorKind::invalid_input, "an async upload session without a filekey",
                "invalid_upload_session");
  }
  const auto deadline = std::chrono::steady_clock::now() + options_.poll_timeout;
  auto interval = options_.poll_interval;
  for (;;) {
    UploadReply reply;
    try {
      reply = client_.upload_status(*session_.filekey);
    } catch (const ApiException& e) {
      if (auto outcome = outcome_from_error(e.api_error(), session_.file_name)) return outcome;
      throw;
    }
    if (reply.result == UploadResult::success) {
      if (session_.stage == UploadSession::Stage::publishing || reply.stage == "publish") {
        auto outcome = published(reply);
        confirm_visible(*outcome);
        return outcome;
      }
      return stashed(reply);
    }
    if (reply.result == UploadResult::warning) return from_warnings(reply.warnings, reply.filekey);
    if (reply.result == UploadResult::continue_) {
      // checkstatus on a session still taking chunks: more bytes are expected.
      session_.stage = UploadSession::Stage::sending;
      session_.offset = std::min(*reply.offset, session_.file_size);
      progress();
      return std::nullopt;
    }
    if (std::chrono::steady_clock::now() + interval > deadline) {
      throw Error(ErrorKind::transient,
                  "File:" + session_.file_name + ": the wiki's " +
                      std::string(to_string(session_.stage)) + " job did not finish within " +
                      std::to_string(options_.poll_timeout.count()) + " s",
                  "upload-poll-timeout");
    }
    sleep(interval);
    interval = std::min(interval * 3 / 2, options_.max_poll_interval);
  }
}

void ChunkedUpload::sleep(std::chrono::milliseconds delay) const {
  if (const auto& hook = client_.options().retry.sleep) {
    hook(delay);
  } else {
    std::this_thread::sleep_for(delay);
  }
}

void ChunkedUpload::confirm_visible(UploadOutcome& outcome) {
  // The publish job reports success before its database transaction
  // commits; callers edit the new page next, so wait until it is there.
  const auto deadline = std::chrono::steady_clock::now() + options_.poll_timeout;
  auto interval = options_.poll_interval;
  for (;;) {
    const auto info = client_.image_info(outcome.file_name);
    if (info && info->sha1 == session_.sha1) {
      if (outcome.description_url.empty()) outcome.description_url = info->description_url;
      return;
    }
    if (std::chrono::steady_clock::now() + interval > deadline) {
      log::warning(kLog,
                   "File:" + outcome.file_name + " was reported published but is not visible yet");
      return;
    }
    sleep(interval);
    interval = std::min(interval * 3 / 2, options_.max_poll_interval);
  }
}

bool ChunkedUpload::already_published() {
  const auto existing = client_.image_info(session_.file_name);
  return existing && existing->sha1 == session_.sha1;
}

std::optional<UploadOutcome> ChunkedUpload::published(const UploadReply& reply) {
  UploadOutcome outcome;
  outcome.kind = UploadOutcomeKind::published;
  outcome.file_name = reply.filename.value_or(session_.file_name);
  outcome.description_url = reply.description_url;
  outcome.warnings = reply.warnings;
  if (outcome.description_url.empty()) {
    if (const auto info = client_.image_info(outcome.file_name)) {
      outcome.description_url = info->description_url;
    }
  }
  return outcome;
}

std::optional<UploadOutcome> ChunkedUpload::publish() {
  PublishRequest request;
  request.file_name = session_.file_name;
  request.filekey = *session_.filekey;
  request.comment = options_.comment;
  request.text = options_.text;
  request.ignore_warnings = options_.ignore_warnings;
  request.async = options_.async;
  request.tags = options_.tags;
  UploadReply reply;
  try {
    reply = client_.publish_stashed(request);
  } catch (const ApiException& e) {
    const auto& error = e.api_error();
    if (error.type == ApiErrorType::upload_in_progress) {
      session_.stage = UploadSession::Stage::publishing;
      progress();
      return std::nullopt;
    }
    if (error.type == ApiErrorType::stash_not_found && already_published()) {
      // An earlier publish went through but its answer was lost: the stash
      // entry is gone because the file is on the wiki, with our bytes.
      UploadReply done;
      done.filename = session_.file_name;
      return published(done);
    }
    if (auto outcome = outcome_from_error(error, session_.file_name)) return outcome;
    throw;
  }
  switch (reply.result) {
    case UploadResult::success:
      return published(reply);
    case UploadResult::poll:
      session_.stage = UploadSession::Stage::publishing;
      progress();
      return std::nullopt;
    case UploadResult::warning: {
      auto outcome = from_warnings(reply.warnings, reply.filekey);
      if (outcome) return outcome;
      break;
    }
    case UploadResult::continue_:
      break;
  }
  throw Error(ErrorKind::permanent,
              "unexpected answer to the publish of File:" + session_.file_name, "malformed-answer");
}

}  // namespace curator::mediawiki
