#pragma once
// Who a set of credentials belongs to on the wiki, and the client options
// for the configured Commons API. The user id is the Wikimedia central id
// (meta=userinfo&uiprop=centralids: CentralAuth where the wiki has it, else
// the local id), the same id the web login records, so batches and presets
// made from curatorctl and from the web UI belong to the same user.

#include <optional>
#include <string>

#include "curator/core/config.hpp"
#include "curator/core/credentials.hpp"
#include "curator/export.hpp"
#include "curator/mediawiki/client.hpp"
#include "curator/mediawiki/userinfo.hpp"
#include "curator/service/batches.hpp"

namespace curator::service {

struct Account {
  Actor actor;  // admin from Config::admins
  mediawiki::UserInfo info;
};

/// Client options for Config::commons_api_url: the User-Agent names
/// Config::contact_url; the OAuth 1.0a consumer is Config::oauth1_key/secret
/// when both are set.
CURATOR_API mediawiki::ClientOptions commons_client_options(const Config& config);

/// One meta=userinfo call (centralids, rights, groups, rate limits, block).
/// Throws Error(auth) when the wiki answers for an anonymous session (the
/// credentials were not accepted), and whatever the client throws
/// (Error(auth, "login-failed") for a refused bot password).
CURATOR_API Account identify(mediawiki::MediaWikiClient& client, const Config& config);

}  // namespace curator::service
