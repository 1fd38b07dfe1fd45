#include "http/curl_easy.hpp"

#include <algorithm>
#include <mutex>

#include "curator/core/log.hpp"

namespace curator::http::detail {
namespace {

bool token_char(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= 'a' && c <= 'z') return true;
  if (c >= '0' && c <= '9') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

struct Mapping {
  ErrorKind kind;
  const char* code;
};

Mapping map(CURLcode code) {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return {ErrorKind::invalid_input, "bad_url"};
    case CURLE_OPERATION_TIMEDOUT:
      return {ErrorKind::transient, "timeout"};
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
      return {ErrorKind::transient, "connect_failed"};
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_QUIC_CONNECT_ERROR:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_PROXY:
    case CURLE_AGAIN:
      return {ErrorKind::transient, "network_error"};
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return {ErrorKind::permanent, "tls_verification_failed"};
    case CURLE_TOO_MANY_REDIRECTS:
      return {ErrorKind::permanent, "too_many_redirects"};
    default:
      return {ErrorKind::permanent, "transfer_failed"};
  }
}

}  // namespace

void ensure_curl_initialised() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw Error(ErrorKind::permanent, "libcurl initialisation failed", "curl_init_failed");
    }
  });
}

std::string curl_version_text() {
  const auto* info = curl_version_info(CURLVERSION_NOW);
  return std::string("libcurl/") + (info != nullptr ? info->version : "unknown");
}

void append_header(HeaderList& list, const std::string& line) {
  curl_slist* next = curl_slist_append(list.get(), line.c_str());
  if (next == nullptr) throw Error(ErrorKind::permanent, "out of memory building headers");
  static_cast<void>(list.release());
  list.reset(next);
}

void validate_headers(const Headers& headers) {
  for (const auto& h : headers) {
    if (h.name.empty() || !std::all_of(h.name.begin(), h.name.end(), [](char c) {
          return token_char(static_cast<unsigned char>(c));
        })) {
      throw Error(ErrorKind::invalid_input, "invalid HTTP header name", "invalid_header");
    }
    if (h.value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      throw Error(ErrorKind::invalid_input,
                  "HTTP header '" + h.name + "' has a line break or NUL in its value",
                  "invalid_header");
    }
  }
}

Error transfer_error(CURLcode code, std::string_view explanation, std::string_view method,
                     std::string_view url) {
  const auto m = map(code);
  std::string message = std::string(method) + " " + log::redact_url(url) + " failed: ";
  message += explanation.empty() ? std::string_view(curl_easy_strerror(code)) : explanation;
  return Error(m.kind, std::move(message), m.code);
}

}  // namespace curator::http::detail
