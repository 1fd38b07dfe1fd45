#include "curator/service/identity.hpp"

#include "curator/core/error.hpp"

namespace curator::service {
namespace {

/// CentralAuth's id where the wiki has one, else the local one.
std::optional<long long> central_id(const json::value& answer) {
  const auto* query = answer.is_object() ? answer.get_object().if_contains("query") : nullptr;
  const auto* info = query != nullptr && query->is_object()
                         ? query->get_object().if_contains("userinfo")
                         : nullptr;
  const auto* ids =
      info != nullptr && info->is_object() ? info->get_object().if_contains("centralids") : nullptr;
  if (ids == nullptr || !ids->is_object()) return std::nullopt;
  for (const char* provider : {"CentralAuth", "local"}) {
    if (const auto* v = ids->get_object().if_contains(provider); v != nullptr && v->is_int64()) {
      if (v->get_int64() > 0) return v->get_int64();
    }
  }
  return std::nullopt;
}

}  // namespace

mediawiki::ClientOptions commons_client_options(const Config& config) {
  mediawiki::ClientOptions o;
  o.api_url = config.commons_api_url;
  o.http.user_agent.tool = "curatorctl";
  o.http.user_agent.contact = config.contact_url;
  if (!config.oauth1_key.empty() && !config.oauth1_secret.empty()) {
    o.oauth_consumer = auth::OAuthConsumer{config.oauth1_key, config.oauth1_secret};
  }
  return o;
}

Account identify(mediawiki::MediaWikiClient& client, const Config& config) {
  mediawiki::ApiRequest request;
  request.params = {{"action", "query"},
                    {"meta", "userinfo"},
                    {"uiprop", "centralids|rights|groups|ratelimits|blockinfo"}};
  const auto answer = client.call(request);
  Account out;
  out.info = mediawiki::parse_userinfo(answer);
  if (out.info.anonymous || out.info.id == 0) {
    throw Error(ErrorKind::auth,
                "the wiki did not accept the credentials (it answered for an anonymous session)",
                "anonymous");
  }
  out.actor.userid = std::to_string(central_id(answer).value_or(out.info.id));
  out.actor.username = out.info.name;
  out.actor.admin = config.is_admin(out.info.name);
  return out;
}

}  // namespace curator::service
