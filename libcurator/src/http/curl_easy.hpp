#pragma once
// libcurl plumbing shared by the http module's sources: one-time global
// initialisation, RAII owners of libcurl objects, and the mapping of CURLcode
// to curator::Error. The only place besides client.cpp that sees curl.h.

#include <curl/curl.h>

#include <memory>
#include <string>
#include <string_view>

#include "curator/core/error.hpp"
#include "curator/http/client.hpp"

namespace curator::http::detail {

/// curl_global_init, once per process, before the first handle.
void ensure_curl_initialised();
/// "libcurl/7.88.1".
std::string curl_version_text();

struct CurlDeleter {
  void operator()(CURL* p) const noexcept { curl_easy_cleanup(p); }
  void operator()(curl_slist* p) const noexcept { curl_slist_free_all(p); }
  void operator()(curl_mime* p) const noexcept { curl_mime_free(p); }
};
using EasyHandle = std::unique_ptr<CURL, CurlDeleter>;
using HeaderList = std::unique_ptr<curl_slist, CurlDeleter>;
using MimeHandle = std::unique_ptr<curl_mime, CurlDeleter>;

/// Appends to `list`; throws Error(permanent) when libcurl is out of memory.
void append_header(HeaderList& list, const std::string& line);

/// Throws Error(invalid_input) for header names that are not RFC 9110 tokens
/// and values with CR, LF or NUL (header injection).
void validate_headers(const Headers& headers);

/// The Error for a failed transfer; the message names the method and the
/// URL with credentials redacted, plus libcurl's explanation.
Error transfer_error(CURLcode code, std::string_view explanation, std::string_view method,
                     std::string_view url);

}  // namespace curator::http::detail
