#include "curator/sources/existing_files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "curator/http/status.hpp"
#include "sources/api_client.hpp"
#include "sources/parallel.hpp"
#include "sources/wcqs_query.hpp"

namespace curator::sources {
namespace {

constexpr std::string_view kService = "Commons Query Service";
constexpr int kMaxRedirects = 5;

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// scheme://host[:port] of an absolute URL.
std::string origin_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  const auto path = url.find_first_of("/?#", scheme_end + 3);
  return std::string(url.substr(0, path));
}

std::string resolve_location(std::string_view current, std::string_view location) {
  if (location.starts_with("http://") || location.starts_with("https://")) {
    return std::string(location);
  }
  if (location.starts_with("/") && !location.starts_with("//")) {
    return origin_of(current) + std::string(location);
  }
  return {};
}

// The value of `name` in a Set-Cookie header, if that is the cookie it sets.
std::optional<std::string> cookie_value(std::string_view set_cookie, std::string_view name) {
  while (!set_cookie.empty() && set_cookie.front() == ' ')
    set_cookie.remove_prefix(1);
  if (!set_cookie.starts_with(name) || set_cookie.size() <= name.size() ||
      set_cookie[name.size()] != '=') {
    return std::nullopt;
  }
  auto value = set_cookie.substr(name.size() + 1);
  value = value.substr(0, value.find(';'));
  return std::string(value);
}

bool is_sha1(std::string_view s) {
  return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c));
         });
}

std::string page_url(std::string_view base, std::string title) {
  if (title.starts_with("File:")) title.erase(0, 5);
  std::replace(title.begin(), title.end(), ' ', '_');
  std::string out(base);
  out += "File:";
  for (unsigned char c : title) {
    if (std::isalnum(c) ||
        std::string_view("-._~!$'()*,;:@/").find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

struct ExistingFileFinder::Impl {
  ExistingFilesOptions options;
  ApiClient client;
  std::mutex mutex;
  std::string session_cookie;  // wcqsSession, refreshed by the service's redirects
  std::chrono::steady_clock::time_point blocked_until{};

  explicit Impl(ExistingFilesOptions o)
      : options(std::move(o)),
        client(ApiClientOptions{.service = std::string(kService),
                                .contact_url = options.contact_url,
                                .timeout = options.timeout,
                                .retry = options.retry,
                                .max_redirects = 0}) {}

  http::Headers headers() {
    http::Headers h{{"Accept", "application/sparql-results+json"}};
    std::string cookie;
    if (!options.oauth_token.empty()) cookie = "wcqsOauth=" + options.oauth_token;
    std::lock_guard lock(mutex);
    if (!session_cookie.empty()) {
      if (!cookie.empty()) cookie += "; ";
      cookie += "wcqsSession=" + session_cookie;
    }
    if (!cookie.empty()) h.push_back({"Cookie", cookie});
    return h;
  }

  void remember_cookies(const http::Response& r) {
    for (const auto& h : r.headers) {
      if (h.name.size() != 10 ||
          !std::equal(h.name.begin(), h.name.end(), "set-cookie", [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == b;
          })) {
        continue;
      }
      if (auto v = cookie_value(h.value, "wcqsSession")) {
        std::lock_guard lock(mutex);
        session_cookie = *v;
      }
    }
  }

  void check_not_blocked() {
    std::lock_guard lock(mutex);
    const auto now = std::chrono::steady_clock::now();
    if (now < blocked_until) {
      const auto left = std::chrono::ceil<std::chrono::seconds>(blocked_until - now);
      throw Error(ErrorKind::rate_limited,
                  fmt::format("Too many requests to the {}, try again in {} seconds", kService,
                              left.count()),
                  "wcqs_rate_limited")
          .with_retry_after(left);
    }
  }

  // One POST, following the service's login redirects by hand so that the
  // session cookie they set is kept and never sent to another origin.
  http::Response post_query(const std::string& query) {
    std::string url = options.wcqs_url;
    std::string method = "POST";
    const auto origin = origin_of(url);
    for (int hop = 0;; ++hop) {
      const http::Fields form = method == "POST" ? http::Fields{{"query", query}} : http::Fields{};
      auto response = client.send_once(method, url, form, headers());
      remember_cookies(response);
      if (!is_redirect(response.status)) return response;
      const auto next = resolve_location(url, response.header("Location").value_or(""));
      if (hop >= kMaxRedirects || next.empty() || origin_of(next) != origin) {
        throw Error(ErrorKind::auth,
                    fmt::format("{} redirected elsewhere (HTTP {} to '{}'): the wcqsOauth token "
                                "is missing or refused",
                                kService, response.status,
                                body_excerpt(response.header("Location").value_or(""), 200)),
                    "wcqs_login_required");
      }
      if (response.status == 302 || response.status == 303) method = "GET";
      url = next;
    }
  }

  std::map<std::string, std::vector<ExistingFile>> query_batch(
      std::string_view property, const std::vector<std::string>& ids) {
    const auto query = wcqs::existing_files_query(property, ids);
    return http::with_retries(options.retry, [&](int) {
      check_not_blocked();
      const auto response = post_query(query);
      if (response.status == 429) {
        const auto wait = http::parse_retry_after(response.header("Retry-After").value_or(""))
                              .value_or(std::chrono::seconds(60));
        {
          std::lock_guard lock(mutex);
          blocked_until = std::chrono::steady_clock::now() + wait;
        }
        throw Error(ErrorKind::rate_limited,
                    fmt::format("Too many requests to the {}, try again in {} seconds", kService,
                                wait.count()),
                    "wcqs_rate_limited")
            .with_retry_after(wait);
      }
      if (!response.ok()) {
        auto e = http::status_error(response, std::string(kService));
        auto kind = e.kind();
        if (response.status == 401 || response.status == 403) kind = ErrorKind::auth;
        throw Error(kind, std::string(e.what()) + ": " + body_excerpt(response.body), e.code());
      }
      if (response.content_type() != "application/sparql-results+json") {
        // The login page (HTML) is what an expired or missing token leads to.
        const bool login = response.content_type() == "text/html";
        throw Error(login ? ErrorKind::auth : ErrorKind::permanent,
                    fmt::format("{} answered '{}' instead of SPARQL JSON: {}", kService,
                                response.content_type(), body_excerpt(response.body, 200)),
                    login ? "wcqs_login_required" : "invalid_response");
      }
      return wcqs::parse_existing_files(json::parse(response.body, "SPARQL result"));
    });
  }
};

ExistingFileFinder::ExistingFileFinder(ExistingFilesOptions options) {
  if (options.wcqs_url.empty() || options.ids_per_query == 0) {
    throw Error(ErrorKind::invalid_input,
                "the existing-file lookup needs a query service URL and a batch size",
                "invalid_option");
  }
  impl_ = std::make_unique<Impl>(std::move(options));
}

ExistingFileFinder::~ExistingFileFinder() = default;

std::map<std::string, std::vector<ExistingFile>> ExistingFileFinder::by_source_ids(
    std::string_view property, const std::vector<std::string>& ids) {
  std::vector<std::string> unique;
  std::set<std::string_view> seen;
  for (const auto& id : ids)
    if (seen.insert(id).second) unique.push_back(id);
  std::vector<std::vector<std::string>> batches;
  for (std::size_t i = 0; i < unique.size(); i += impl_->options.ids_per_query) {
    const auto end = std::min(unique.size(), i + impl_->options.ids_per_query);
    batches.emplace_back(unique.begin() + static_cast<std::ptrdiff_t>(i),
                         unique.begin() + static_cast<std::ptrdiff_t>(end));
  }
  std::map<std::string, std::vector<ExistingFile>> found;
  std::mutex found_mutex;
  run_bounded(batches.size(), impl_->options.concurrency, [&](std::size_t b) {
    auto part = impl_->query_batch(property, batches[b]);
    std::lock_guard lock(found_mutex);
    for (auto& [id, files] : part) {
      // Only answers for ids we asked about.
      if (seen.count(id) != 0) found[id] = std::move(files);
    }
  });
  return found;
}

std::vector<ExistingFile> ExistingFileFinder::by_sha1(std::string_view sha1) {
  if (!is_sha1(sha1)) {
    throw Error(ErrorKind::invalid_input, "not a SHA-1 (40 hexadecimal digits)", "invalid_sha1");
  }
  if (!impl_->options.sha1_lookup) {
    throw Error(ErrorKind::invalid_input, "no SHA-1 lookup is configured", "no_sha1_lookup");
  }
  std::string lower(sha1);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::vector<ExistingFile> out;
  for (auto& title : impl_->options.sha1_lookup(lower)) {
    if (title.empty()) continue;
    ExistingFile f{page_url(impl_->options.file_page_base, std::move(title))};
    if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(std::move(f));
  }
  return out;
}

std::size_t ExistingFileFinder::requests_sent() const {
  return impl_->client.requests();
}

}  // namespace curator::sources
