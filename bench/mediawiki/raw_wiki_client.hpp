#pragma once
// The benchmarks' reference client: the fewest libcurl calls that do what
// libcurator's MediaWikiClient does for an upload (bot-password login, CSRF
// token, chunks into the stash streamed from the file, the commit by filekey)
// and for the pipeline's other calls (any GET or POST). No retries, no typed
// errors: an error answer ends the program. It is the yardstick for the
// library's overhead, not a client to copy.

#include <curl/curl.h>

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace curator::bench {

using RawParams = std::vector<std::pair<std::string, std::string>>;

class RawWikiClient {
 public:
  explicit RawWikiClient(std::string api_url) : api_(std::move(api_url)) {
    curl_ = curl_easy_init();
    if (curl_ == nullptr) throw std::runtime_error("curl_easy_init");
    curl_easy_setopt(curl_, CURLOPT_COOKIEFILE, "");  // in-memory cookie engine
    curl_easy_setopt(curl_, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(curl_, CURLOPT_USERAGENT, "curator-raw-bench/1.0 (https://example.org)");
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &RawWikiClient::on_body);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &body_);
    // php -S never answers "Expect: 100-continue": do not ask.
    headers_ = curl_slist_append(nullptr, "Expect:");
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
  }
  ~RawWikiClient() {
    curl_slist_free_all(headers_);
    curl_easy_cleanup(curl_);
  }
  RawWikiClient(const RawWikiClient&) = delete;
  RawWikiClient& operator=(const RawWikiClient&) = delete;

  long requests() const { return requests_; }

  void login(const std::string& user, const std::string& password) {
    const auto t = get({{"action", "query"}, {"meta", "tokens"}, {"type", "login"}});
    const auto token = str(t, {"query", "tokens", "logintoken"});
    const auto r = post({{"action", "login"},
                         {"lgname", user},
                         {"lgpassword", password},
                         {"lgtoken", std::string(token)}});
    if (str(r, {"login", "result"}) != "Success") fail("login", r);
    logged_in_ = true;
    const auto c = get({{"action", "query"}, {"meta", "tokens"}, {"type", "csrf"}});
    csrf_ = str(c, {"query", "tokens", "csrftoken"});
  }

  boost::json::value get(RawParams params) {
    std::string url = api_ + "?" + encode(common(std::move(params)));
    curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    return perform();
  }

  /// A GET of any URL that answers JSON (a source's API).
  boost::json::value get_url(const std::string& url) {
    curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    return perform();
  }

  /// A form POST; `with_token` adds the CSRF token.
  boost::json::value post(RawParams params, bool with_token = false) {
    if (with_token) params.emplace_back("token", csrf_);
    const std::string form = encode(common(std::move(params)));
    curl_easy_setopt(curl_, CURLOPT_URL, api_.c_str());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(form.size()));
    curl_easy_setopt(curl_, CURLOPT_COPYPOSTFIELDS, form.c_str());
    return perform();
  }

  /// A multipart POST with bytes [offset, offset + length) of `file` as `chunk`.
  boost::json::value post_chunk(RawParams params, std::FILE* file, std::uint64_t offset,
                                std::uint64_t length) {
    params.emplace_back("token", csrf_);
    curl_mime* mime = curl_mime_init(curl_);
    for (const auto& [k, v] : common(std::move(params))) {
      auto* part = curl_mime_addpart(mime);
      curl_mime_name(part, k.c_str());
      curl_mime_data(part, v.data(), v.size());
    }
    Range range{file, offset, length, 0};
    auto* part = curl_mime_addpart(mime);
    curl_mime_name(part, "chunk");
    curl_mime_filename(part, "chunk");
    curl_mime_type(part, "application/octet-stream");
    curl_mime_data_cb(part, static_cast<curl_off_t>(length), &Range::read, nullptr, nullptr,
                      &range);
    curl_easy_setopt(curl_, CURLOPT_URL, api_.c_str());
    curl_easy_setopt(curl_, CURLOPT_MIMEPOST, mime);
    auto answer = perform();
    curl_easy_setopt(curl_, CURLOPT_MIMEPOST, nullptr);
    curl_mime_free(mime);
    return answer;
  }

  /// Chunks with stash=1, then the commit by filekey (both synchronous).
  /// Returns the upload's final answer object.
  boost::json::value upload(const std::filesystem::path& path, const std::string& name,
                            const std::string& comment, const std::string& text,
                            std::uint64_t chunk_size) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) throw std::runtime_error("cannot open " + path.string());
    const auto size = std::filesystem::file_size(path);
    std::string filekey;
    std::uint64_t offset = 0;
    while (offset < size) {
      const auto length = std::min(chunk_size, size - offset);
      RawParams p{{"action", "upload"},
                  {"stash", "1"},
                  {"filename", name},
                  {"filesize", std::to_string(size)},
                  {"offset", std::to_string(offset)},
                  {"ignorewarnings", "1"}};
      if (!filekey.empty()) p.emplace_back("filekey", filekey);
      const auto r = post_chunk(std::move(p), f, offset, length);
      filekey = std::string(str(r, {"upload", "filekey"}));
      const auto result = str(r, {"upload", "result"});
      if (result == "Continue") {
        offset = r.at("upload").at("offset").to_number<std::uint64_t>();
      } else if (result == "Success") {
        offset = size;
      } else {
        fail("chunk", r);
      }
    }
    std::fclose(f);
    auto r = post({{"action", "upload"},
                   {"filename", name},
                   {"filekey", filekey},
                   {"comment", comment},
                   {"text", text}},
                  true);
    if (str(r, {"upload", "result"}) != "Success") fail("commit", r);
    return r;
  }

  static std::string_view str(const boost::json::value& v,
                              std::initializer_list<const char*> path) {
    const boost::json::value* at = &v;
    for (const char* k : path) {
      const auto* o = at->if_object();
      at = o == nullptr ? nullptr : o->if_contains(k);
      if (at == nullptr) return {};
    }
    return at->is_string() ? std::string_view(at->get_string()) : std::string_view{};
  }

  [[noreturn]] static void fail(const char* what, const boost::json::value& answer) {
    std::fprintf(stderr, "raw client: %s failed: %s\n", what,
                 boost::json::serialize(answer).c_str());
    std::exit(3);
  }

 private:
  struct Range {
    std::FILE* file;
    std::uint64_t offset;
    std::uint64_t length;
    std::uint64_t sent;
    static std::size_t read(char* buf, std::size_t size, std::size_t n, void* self) {
      auto* r = static_cast<Range*>(self);
      const auto want = std::min<std::uint64_t>(size * n, r->length - r->sent);
      if (want == 0) return 0;
      if (std::fseek(r->file, static_cast<long>(r->offset + r->sent), SEEK_SET) != 0) {
        return CURL_READFUNC_ABORT;
      }
      const auto got = std::fread(buf, 1, want, r->file);
      r->sent += got;
      return got == 0 ? CURL_READFUNC_ABORT : got;
    }
  };

  static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
  }

  RawParams common(RawParams p) const {
    p.emplace_back("format", "json");
    p.emplace_back("formatversion", "2");
    p.emplace_back("maxlag", "5");
    if (logged_in_) p.emplace_back("assert", "user");
    return p;
  }

  std::string encode(const RawParams& params) const {
    std::string out;
    for (const auto& [k, v] : params) {
      if (!out.empty()) out += '&';
      char* ek = curl_easy_escape(curl_, k.data(), static_cast<int>(k.size()));
      char* ev = curl_easy_escape(curl_, v.data(), static_cast<int>(v.size()));
      out += ek;
      out += '=';
      out += ev;
      curl_free(ek);
      curl_free(ev);
    }
    return out;
  }

  boost::json::value perform() {
    body_.clear();
    ++requests_;
    const auto rc = curl_easy_perform(curl_);
    if (rc != CURLE_OK) {
      std::fprintf(stderr, "raw client: %s\n", curl_easy_strerror(rc));
      std::exit(3);
    }
    boost::system::error_code ec;
    auto v = boost::json::parse(body_, ec);
    if (ec) {
      std::fprintf(stderr, "raw client: not JSON: %.200s\n", body_.c_str());
      std::exit(3);
    }
    if (v.is_object() && v.as_object().contains("error")) fail("request", v);
    return v;
  }

  std::string api_;
  CURL* curl_ = nullptr;
  curl_slist* headers_ = nullptr;
  std::string body_;
  std::string csrf_;
  bool logged_in_ = false;
  long requests_ = 0;
};

}  // namespace curator::bench
