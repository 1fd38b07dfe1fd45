#include "curator/http/download.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "curator/http/status.hpp"
#include "http/sha1.hpp"

namespace curator::http {
namespace {

[[noreturn]] void io_error(const std::string& what) {
  throw Error(ErrorKind::permanent, what + ": " + std::strerror(errno), "local_io");
}

struct FileDescriptor {
  int fd = -1;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

bool allowed_type(const std::string& type, const std::vector<std::string>& prefixes) {
  if (prefixes.empty()) return true;
  return std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& prefix) {
    return type.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), type.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) ==
                    std::tolower(static_cast<unsigned char>(b));
           });
  });
}

void write_all(int fd, std::string_view data, std::uint64_t offset) {
  while (!data.empty()) {
    const auto n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      // A full or failing disk may recover; the download is worth another try.
      throw Error(ErrorKind::transient,
                  std::string("writing the download failed: ") + std::strerror(errno), "local_io");
    }
    data.remove_prefix(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
}

// Errors that a CDN glitch can cause: retried, but permanent once retries run out.
bool suspicious_response(const Error& e) {
  return e.code() == "unexpected_content_type" || e.code() == "empty_body";
}

}  // namespace

TempFile::~TempFile() {
  if (!path_.empty()) {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
}

TempFile::TempFile(TempFile&& other) noexcept : path_(std::move(other.path_)) {
  other.path_.clear();
}

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    if (!path_.empty()) {
      std::error_code ec;
      std::filesystem::remove(path_, ec);
    }
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

std::filesystem::path TempFile::release() {
  auto out = std::move(path_);
  path_.clear();
  return out;
}

std::string sha1_file_hex(const std::filesystem::path& path, std::uint64_t offset,
                          std::uint64_t length) {
  FileDescriptor f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) io_error("cannot open " + path.string());
  std::uint64_t read = 0;
  auto hex = detail::sha1_of_fd(f.fd, offset, length, read);
  if (length != UINT64_MAX && read != length) {
    throw Error(ErrorKind::invalid_input,
                path.string() + " has fewer bytes than the range asked for", "short_file");
  }
  return hex;
}

namespace {

/// Content-Length as a number; 0 when absent or not a plain number.
std::uint64_t declared_length(const ResponseHead& head) {
  const auto value = head.header("content-length");
  if (!value || value->empty() || value->size() > 19) return 0;
  std::uint64_t n = 0;
  for (const char ch : *value) {
    if (ch < '0' || ch > '9') return 0;
    n = n * 10 + static_cast<std::uint64_t>(ch - '0');
  }
  return n;
}

}  // namespace

DownloadedFile download_to_temp_file(Client& client, std::string_view url,
                                     const std::filesystem::path& directory,
                                     const DownloadOptions& options) {
  std::string name = (directory / "curator-download-XXXXXX").string();
  FileDescriptor file{::mkostemp(name.data(), O_CLOEXEC)};
  if (file.fd < 0) io_error("cannot create a temporary file in " + directory.string());
  DownloadedFile result;
  result.file = TempFile(name);  // removed again on any failure below

  const std::string target = log::redact_url(url);
  detail::Sha1 sha;
  std::uint64_t size = 0;

  const auto check_head = [&](const ResponseHead& head) {
    if (!head.ok()) throw status_error(head, "download");
    const auto type = head.content_type();
    if (!allowed_type(type, options.allowed_content_types)) {
      throw Error(ErrorKind::transient,
                  "download of " + target + ": unexpected content type '" + type + "'",
                  "unexpected_content_type");
    }
  };

  try {
    run_with_retries(options.retry, [&](int attempt) {
      result.attempts = attempt;
      if (::ftruncate(file.fd, 0) != 0) io_error("cannot truncate the download");
      sha.reset();
      size = 0;
      bool checked = false;
      std::uint64_t expected = 0;
      const auto head = client.get_streaming(
          url,
          [&](const ResponseHead& h, std::string_view data) {
            if (!checked) {
              checked = true;
              check_head(h);
              if (options.on_progress) expected = declared_length(h);
            }
            write_all(file.fd, data, size);
            sha.update(data);
            size += data.size();
            if (options.on_progress) options.on_progress(size, expected);
          },
          options.max_bytes, options.headers);
      if (!checked) check_head(head);
      if (size == 0) {
        throw Error(ErrorKind::transient, "download of " + target + " returned an empty body",
                    "empty_body");
      }
      result.sha1_hex = sha.hex_digest();
      result.content_type = head.content_type();
      result.effective_url = head.effective_url;

      // What reaches the disk is what gets uploaded: flush it, then check it.
      if (::fsync(file.fd) != 0) io_error("cannot flush the download");
      struct stat st {};
      if (::fstat(file.fd, &st) != 0) io_error("cannot inspect the download");
      std::uint64_t reread = 0;
      const auto on_disk = detail::sha1_of_fd(file.fd, 0, UINT64_MAX, reread);
      if (static_cast<std::uint64_t>(st.st_size) != size || reread != size ||
          on_disk != result.sha1_hex) {
        throw Error(ErrorKind::transient,
                    "download of " + target + ": the file on disk does not match what was received",
                    "download_verification_failed");
      }
      result.size = size;
    });
  } catch (const Error& e) {
    if (suspicious_response(e)) {
      throw Error(
          ErrorKind::permanent,
          std::string(e.what()) + " (after " + std::to_string(result.attempts) + " attempts)",
          e.code());
    }
    throw;
  }
  return result;
}

}  // namespace curator::http
