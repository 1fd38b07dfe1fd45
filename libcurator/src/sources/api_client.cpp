#include "sources/api_client.hpp"

#include <fmt/format.h>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"

namespace curator::sources {

class ApiClient::Lease {
 public:
  explicit Lease(ApiClient& owner) : owner_(owner), client_(owner.take()) {}
  ~Lease() {
    if (client_) owner_.give_back(std::move(client_));
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  http::Client& operator*() { return *client_; }
  http::Client* operator->() { return client_.get(); }

 private:
  ApiClient& owner_;
  std::unique_ptr<http::Client> client_;
};

ApiClient::ApiClient(ApiClientOptions options) : options_(std::move(options)) {
  // Builds one client now so that a bad User-Agent fails at construction.
  give_back(take());
}

ApiClient::~ApiClient() = default;

std::unique_ptr<http::Client> ApiClient::take() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  http::ClientOptions o;
  o.user_agent.contact = options_.contact_url;
  o.total_timeout = options_.timeout;
  o.max_redirects = options_.max_redirects;
  o.max_response_bytes = options_.max_response_bytes;
  return std::make_unique<http::Client>(std::move(o));
}

void ApiClient::give_back(std::unique_ptr<http::Client> client) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(client));
}

json::value ApiClient::get_json(const std::string& url, const http::Headers& headers,
                                const ErrorReader& on_error, const BodyCheck& check,
                                const std::function<void()>& before_attempt) {
  const auto& service = options_.service;
  // http::run_with_retries logs each retry with the error's message.
  return http::with_retries(options_.retry, [&](int) {
    if (before_attempt) before_attempt();
    http::Response response;
    {
      Lease client(*this);
      ++requests_;
      response = client->get(url, headers);
    }
    if (!response.ok()) {
      on_error(response);
      // An ErrorReader that returns has no opinion: read the status alone.
      throw Error(ErrorKind::permanent,
                  fmt::format("{} answered HTTP {}: {}", service, response.status,
                              body_excerpt(response.body)),
                  fmt::format("http_{}", response.status));
    }
    json::value body;
    try {
      body = json::parse(response.body, service + " response");
    } catch (const Error&) {
      // Proxies and overloaded backends answer 200 with HTML: worth a retry.
      throw Error(ErrorKind::transient,
                  fmt::format("{} answered with something other than JSON ({}): {}", service,
                              response.content_type(), body_excerpt(response.body, 120)),
                  "invalid_response");
    }
    if (check) check(body);
    return body;
  });
}

http::Response ApiClient::send_once(const std::string& method, const std::string& url,
                                    const http::Fields& form, const http::Headers& headers) {
  Lease client(*this);
  ++requests_;
  if (method == "POST") return client->post_form(url, form, headers);
  return client->get(url, headers);
}

std::string body_excerpt(std::string_view body, std::size_t limit) {
  std::string out;
  for (char c : body.substr(0, limit)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  if (body.size() > limit) out += "…";
  return out;
}

}  // namespace curator::sources
