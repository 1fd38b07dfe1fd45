#pragma once
// Who the client is on the wiki: meta=userinfo with rights, groups, block
// state and rate limits (uiprop=ratelimits|rights|groups|blockinfo). Limits
// are the ones that apply to this user now: an account with `noratelimit`
// gets an empty map. Pure interpretation of the answer; the rate limiter that
// turns limits into upload spacing lives elsewhere (queue module).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/core/json.hpp"
#include "curator/export.hpp"

namespace curator::mediawiki {

struct RateLimit {
  long long hits = 0;
  long long seconds = 0;
  /// hits / seconds; 0 when seconds is 0.
  double per_second() const {
    return seconds > 0 ? static_cast<double>(hits) / static_cast<double>(seconds) : 0.0;
  }
  bool operator==(const RateLimit&) const = default;
};

struct UserInfo {
  long long id = 0;  // 0 for an anonymous session
  std::string name;
  bool anonymous = true;
  std::vector<std::string> groups;
  std::vector<std::string> rights;
  /// One limit of an action: the class it applies to ("user", "newbie",
  /// "ip", a group name) and its value.
  struct ClassLimit {
    std::string limit_class;
    RateLimit limit;
    bool operator==(const ClassLimit&) const = default;
  };
  /// action ("upload", "edit", ...) → its limits, in the answer's order.
  std::map<std::string, std::vector<ClassLimit>, std::less<>> rate_limits;
  bool blocked = false;
  std::string block_reason;

  bool has_right(std::string_view right) const;
  bool in_group(std::string_view group) const;
  /// `noratelimit`, or no limits reported at all (MediaWiki omits them for
  /// users it never throttles).
  bool exempt_from_rate_limits() const;
  /// The limit of one action for one class, when reported.
  std::optional<RateLimit> limit(std::string_view action, std::string_view limit_class) const;
  /// The most permissive limit class for `action` (highest hits per second;
  /// the first one in the answer wins a tie), nullopt when none is reported.
  std::optional<RateLimit> most_permissive(std::string_view action) const;
};

/// Reads `query.userinfo` of a meta=userinfo answer (formatversion 1 or 2).
/// Throws Error(permanent, "malformed-answer") when the answer has no userinfo object, and
/// ApiException when it is an error answer.
CURATOR_API UserInfo parse_userinfo(const json::value& response);

}  // namespace curator::mediawiki
