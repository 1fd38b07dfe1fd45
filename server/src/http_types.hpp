#pragma once
// Plain HTTP request/response structs: what handlers see. No Beast here, so
// that handler files stay cheap to compile and easy to test.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace curator::server {

struct Request {
  std::string method;  // "GET", "HEAD", "POST", ...
  std::string target;  // raw request-target, e.g. "/assets/app.js?v=1"
  std::string path;    // target without the query (still percent-encoded)
  std::string query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remote;      // peer address
  std::string request_id;  // random, echoed as X-Request-Id

  const std::string* header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? nullptr : &it->second;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::filesystem::path> file;  // streamed from disk instead of body

  static Response text(int status, std::string body);
  static Response json(int status, std::string body);
  static Response html(int status, std::string body);
};

/// The reason phrase's short form for error pages ("Not Found").
std::string status_text(int status);

}  // namespace curator::server
