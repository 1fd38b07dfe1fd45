#pragma once
// The cookies of one MediaWiki session (bot-password login keeps the session
// in cookies). One client talks to one API host, so domain and path scoping
// are not needed: every cookie the server sets is sent back until the server
// deletes it (Max-Age <= 0, an expiry in 1970, or the value "deleted", which
// is how MediaWiki clears cookies). Cookie values are secrets: never logged.

#include <map>
#include <string>
#include <string_view>

#include "curator/http/client.hpp"

namespace curator::mediawiki::detail {

class CookieJar {
 public:
  /// Applies every Set-Cookie header of a response.
  void store(const http::Headers& headers);
  /// Applies one Set-Cookie value; malformed ones are ignored.
  void store_one(std::string_view set_cookie);
  /// "a=1; b=2", or "" when empty.
  std::string header() const;
  bool empty() const { return cookies_.empty(); }
  std::size_t size() const { return cookies_.size(); }
  void clear() { cookies_.clear(); }

 private:
  std::map<std::string, std::string, std::less<>> cookies_;
};

}  // namespace curator::mediawiki::detail
