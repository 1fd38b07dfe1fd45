#include "curator/http/client.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <exception>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "curator/version.hpp"
#include "http/curl_easy.hpp"

namespace curator::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// One request in flight: what the callbacks fill in.
struct Transfer {
  CURL* easy = nullptr;
  ResponseHead head;
  std::string body;
  std::uint64_t max_body = 0;
  std::uint64_t received = 0;
  bool too_large = false;
  bool body_started = false;
  const BodySink* sink = nullptr;
  std::exception_ptr sink_error;
};

constexpr std::size_t kMaxResponseHeaders = 256;

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t len = size * count;
  const std::string_view line = trim({data, len});
  if (line.starts_with("HTTP/")) {
    // A new response starts (after a 100 Continue or a redirect): forget the old headers.
    t->head.headers.clear();
    return len;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return len;
  if (t->head.headers.size() < kMaxResponseHeaders) {
    t->head.headers.push_back(
        {std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))});
  }
  return len;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t len = size * count;
  if (!t->body_started) {
    t->body_started = true;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->head.status);
    char* url = nullptr;
    if (curl_easy_getinfo(t->easy, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK && url != nullptr) {
      t->head.effective_url = url;
    }
  }
  if (len > t->max_body - t->received) {
    t->too_large = true;
    return 0;  // any short count makes libcurl stop with CURLE_WRITE_ERROR
  }
  t->received += len;
  if (t->sink != nullptr) {
    try {
      (*t->sink)(t->head, {data, len});
    } catch (...) {
      t->sink_error = std::current_exception();
      return 0;
    }
  } else {
    t->body.append(data, len);
  }
  return len;
}

// A multipart file part: bytes [offset, offset + length) of an open file.
struct FileRange {
  int fd = -1;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::uint64_t position = 0;
  bool failed = false;

  ~FileRange() {
    if (fd >= 0) ::close(fd);
  }
};

std::size_t read_range(char* buffer, std::size_t size, std::size_t count, void* arg) {
  auto* r = static_cast<FileRange*>(arg);
  const auto want =
      static_cast<std::size_t>(std::min<std::uint64_t>(size * count, r->length - r->position));
  if (want == 0) return 0;
  for (;;) {
    const auto got = ::pread(r->fd, buffer, want, static_cast<off_t>(r->offset + r->position));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      // The file shrank or failed under us: never send a short part silently.
      r->failed = true;
      return CURL_READFUNC_ABORT;
    }
    r->position += static_cast<std::uint64_t>(got);
    return static_cast<std::size_t>(got);
  }
}

int seek_range(void* arg, curl_off_t offset, int origin) {
  auto* r = static_cast<FileRange*>(arg);
  if (origin != SEEK_SET) return CURL_SEEKFUNC_CANTSEEK;
  if (offset < 0 || static_cast<std::uint64_t>(offset) > r->length) return CURL_SEEKFUNC_FAIL;
  r->position = static_cast<std::uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

[[noreturn]] void bad_file_part(const FilePart& part, const std::string& why) {
  throw Error(ErrorKind::invalid_input,
              "file part '" + part.field_name + "' from " + part.path.string() + ": " + why,
              "invalid_file_part");
}

}  // namespace

std::optional<std::string> find_header(const Headers& headers, std::string_view name) {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return h.value;
  }
  return std::nullopt;
}

std::string ResponseHead::content_type() const {
  const auto value = header("Content-Type");
  if (!value) return {};
  std::string out(trim(std::string_view(*value).substr(0, value->find(';'))));
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string format_user_agent(const UserAgent& agent) {
  const std::string version = agent.version.empty() ? std::string(kVersion) : agent.version;
  const auto bad = [](std::string_view s) {
    return s.empty() || has_control(s) || s.find_first_of(" ()/") != std::string_view::npos;
  };
  if (bad(agent.tool) || bad(version)) {
    throw Error(ErrorKind::invalid_input,
                "User-Agent tool name and version must be non-empty words", "invalid_user_agent");
  }
  if (trim(agent.contact).empty() || has_control(agent.contact) ||
      agent.contact.find_first_of("()") != std::string::npos) {
    throw Error(ErrorKind::invalid_input,
                "User-Agent needs a contact URL or e-mail address (CURATOR_CONTACT_URL)",
                "invalid_user_agent");
  }
  return agent.tool + "/" + version + " (" + std::string(trim(agent.contact)) + ") " +
         detail::curl_version_text();
}

struct Client::Impl {
  ClientOptions options;
  std::string user_agent;
  detail::EasyHandle easy;
  std::array<char, CURL_ERROR_SIZE> error_text{};
  long connections = 0;

  // Options every request starts from; curl_easy_reset keeps the connection cache.
  void prepare(std::string_view url) {
    CURL* e = easy.get();
    curl_easy_reset(e);
    error_text[0] = '\0';
    const std::string url_text(url);
    const auto ms = [](std::chrono::milliseconds d) { return static_cast<long>(d.count()); };
    curl_easy_setopt(e, CURLOPT_URL, url_text.c_str());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error_text.data());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, ms(options.connect_timeout));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, ms(options.total_timeout));
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME,
                     static_cast<long>(options.low_speed_window.count()));
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can decode
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options.ca_file.c_str());
    if (options.no_proxy) curl_easy_setopt(e, CURLOPT_NOPROXY, options.no_proxy->c_str());
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, options.max_redirects > 0 ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(options.max_redirects));
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  }

  // Runs the prepared request. `headers` must outlive the call.
  Transfer perform(std::string_view method, std::string_view url, const Headers& headers,
                   bool is_post, std::uint64_t max_body, const BodySink* sink) {
    CURL* e = easy.get();
    detail::HeaderList list;
    for (const auto& h : headers) {
      // "Name;" is how libcurl sends a header with an empty value.
      detail::append_header(list, h.value.empty() ? h.name + ";" : h.name + ": " + h.value);
    }
    // php -S and others never answer 100-continue; waiting for it costs 1 s per request.
    if (is_post) detail::append_header(list, "Expect:");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, list.get());

    Transfer t;
    t.easy = e;
    t.max_body = max_body;
    t.sink = sink;
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(std::min<std::uint64_t>(max_body, INT64_MAX)));

    const CURLcode rc = curl_easy_perform(e);
    long opened = 0;
    if (curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &opened) == CURLE_OK) connections += opened;
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, nullptr);
    if (t.sink_error) std::rethrow_exception(t.sink_error);
    if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
      throw Error(ErrorKind::permanent,
                  std::string(method) + " " + log::redact_url(url) +
                      ": response body exceeds the limit of " + std::to_string(max_body) + " bytes",
                  "response_too_large");
    }
    if (rc != CURLE_OK) throw detail::transfer_error(rc, error_text.data(), method, url);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &t.head.status);
    char* effective = nullptr;
    if (curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK &&
        effective != nullptr) {
      t.head.effective_url = effective;
    }
    return t;
  }
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>()) {
  detail::ensure_curl_initialised();
  if (options.connect_timeout.count() <= 0 || options.total_timeout.count() <= 0 ||
      options.low_speed_bytes < 0 || options.low_speed_window.count() < 0 ||
      options.max_redirects < 0 || options.max_response_bytes == 0) {
    throw Error(ErrorKind::invalid_input, "HTTP client limits must be positive",
                "invalid_client_options");
  }
  impl_->user_agent = format_user_agent(options.user_agent);
  impl_->options = std::move(options);
  impl_->easy.reset(curl_easy_init());
  if (!impl_->easy) throw Error(ErrorKind::permanent, "libcurl could not create a handle");
}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

const ClientOptions& Client::options() const {
  return impl_->options;
}
long Client::connections_opened() const {
  return impl_->connections;
}

Response Client::get(std::string_view url, const Headers& headers) {
  detail::validate_headers(headers);
  impl_->prepare(url);
  auto t = impl_->perform("GET", url, headers, false, impl_->options.max_response_bytes, nullptr);
  Response r;
  static_cast<ResponseHead&>(r) = std::move(t.head);
  r.body = std::move(t.body);
  return r;
}

Response Client::post_form(std::string_view url, const Fields& fields, const Headers& headers,
                           const RequestOptions& request) {
  detail::validate_headers(headers);
  const std::string body = form_encode(fields);
  impl_->prepare(url);
  CURL* e = impl_->easy.get();
  if (request.fresh_connection) curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, body.c_str());
  Headers all = headers;
  if (!find_header(all, "Content-Type")) {
    all.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  }
  auto t = impl_->perform("POST", url, all, true, impl_->options.max_response_bytes, nullptr);
  Response r;
  static_cast<ResponseHead&>(r) = std::move(t.head);
  r.body = std::move(t.body);
  return r;
}

Response Client::post_multipart(std::string_view url, const Fields& fields,
                                const std::optional<FilePart>& file, const Headers& headers,
                                const RequestOptions& request) {
  detail::validate_headers(headers);
  FileRange range;
  if (file) {
    range.fd = ::open(file->path.c_str(), O_RDONLY | O_CLOEXEC);
    if (range.fd < 0) bad_file_part(*file, std::strerror(errno));
    struct stat st {};
    if (::fstat(range.fd, &st) != 0) bad_file_part(*file, std::strerror(errno));
    if (!S_ISREG(st.st_mode)) bad_file_part(*file, "not a regular file");
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (file->offset > size || file->length > size - file->offset) {
      bad_file_part(*file, "range [" + std::to_string(file->offset) + ", " +
                               std::to_string(file->offset) + "+" + std::to_string(file->length) +
                               ") lies beyond its " + std::to_string(size) + " bytes");
    }
    range.offset = file->offset;
    range.length = file->length;
  }

  impl_->prepare(url);
  CURL* e = impl_->easy.get();
  if (request.fresh_connection) curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
  detail::MimeHandle mime(curl_mime_init(e));
  if (!mime) throw Error(ErrorKind::permanent, "libcurl could not create a multipart body");
  for (const auto& [name, value] : fields) {
    curl_mimepart* part = curl_mime_addpart(mime.get());
    curl_mime_name(part, name.c_str());
    curl_mime_data(part, value.data(), value.size());
  }
  if (file) {
    curl_mimepart* part = curl_mime_addpart(mime.get());
    curl_mime_name(part, file->field_name.c_str());
    curl_mime_filename(part, file->filename.c_str());
    curl_mime_type(part, file->content_type.c_str());
    curl_mime_data_cb(part, static_cast<curl_off_t>(range.length), &read_range, &seek_range,
                      nullptr, &range);
  }
  curl_easy_setopt(e, CURLOPT_MIMEPOST, mime.get());
  // The handle must not point at the mime structure once it is freed.
  struct DetachMime {
    CURL* easy;
    ~DetachMime() { curl_easy_setopt(easy, CURLOPT_MIMEPOST, nullptr); }
  } detach{e};

  try {
    auto t = impl_->perform("POST", url, headers, true, impl_->options.max_response_bytes, nullptr);
    Response r;
    static_cast<ResponseHead&>(r) = std::move(t.head);
    r.body = std::move(t.body);
    return r;
  } catch (const Error&) {
    if (range.failed) {
      throw Error(ErrorKind::permanent,
                  "file part '" + file->field_name + "' from " + file->path.string() +
                      " changed or failed while it was being sent",
                  "file_part_read_failed");
    }
    throw;
  }
}

ResponseHead Client::get_streaming(std::string_view url, const BodySink& sink,
                                   std::uint64_t max_body_bytes, const Headers& headers) {
  detail::validate_headers(headers);
  if (!sink) throw Error(ErrorKind::invalid_input, "streaming GET needs a body sink");
  impl_->prepare(url);
  auto t = impl_->perform("GET", url, headers, false, max_body_bytes, &sink);
  return std::move(t.head);
}

}  // namespace curator::http
