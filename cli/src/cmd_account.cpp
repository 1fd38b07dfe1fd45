// login, logout, whoami: the operator's own Commons credentials.
#include <fmt/format.h>

#include "commands.hpp"
#include "context.hpp"
#include "curator/service/identity.hpp"
#include "exit_codes.hpp"
#include "terminal.hpp"

namespace curator::cli {
namespace {

[[noreturn]] void usage(std::string message) {
  throw Error(ErrorKind::invalid_input, std::move(message), "usage");
}

struct NewLogin {
  Credentials credentials;
  std::optional<auth::OAuthConsumer> consumer;
};

NewLogin ask_credentials(Context& ctx, const LoginOptions& o) {
  const int methods =
      (o.bot_user ? 1 : 0) + (o.oauth2 ? 1 : 0) + (o.oauth1 ? 1 : 0) + (o.from_env ? 1 : 0);
  if (methods != 1) usage("choose exactly one of --bot-user, --oauth2, --oauth1, --from-env");
  if ((o.consumer_key || o.access_key) && !o.oauth1) {
    usage("--consumer-key and --access-key go with --oauth1");
  }
  if (o.bot_user) {
    if (o.bot_user->find('@') == std::string::npos || o.bot_user->front() == '@' ||
        o.bot_user->back() == '@') {
      usage(
          "--bot-user: a bot password user name looks like User@appid "
          "(Special:BotPasswords shows it)");
    }
    return {BotPassword{*o.bot_user,
                        read_secret("Bot password for " + *o.bot_user + ": ", "bot password")},
            std::nullopt};
  }
  if (o.oauth2) return {OAuth2Token{read_secret("OAuth 2 access token: ", "access token")}, {}};
  if (o.oauth1) {
    auth::OAuthConsumer consumer;
    consumer.key = o.consumer_key ? *o.consumer_key : read_secret("Consumer key: ", "consumer key");
    consumer.secret = read_secret("Consumer secret: ", "consumer secret");
    const auto key = o.access_key ? *o.access_key : read_secret("Access token: ", "access token");
    const auto secret = read_secret("Access secret: ", "access secret");
    if (consumer.key.empty() || key.empty()) usage("empty OAuth 1.0a key");
    return {OAuth1Token{key, secret}, consumer};
  }
  auto env = ctx.credentials();
  if (!env || env->origin != "environment") {
    usage(
        "--from-env: the environment holds no credentials (CURATOR_BOT_USER and "
        "CURATOR_BOT_PASSWORD, CURATOR_OAUTH2_TOKEN, or CURATOR_OAUTH1_ACCESS_KEY and "
        "CURATOR_OAUTH1_ACCESS_SECRET)");
  }
  NewLogin out{env->credentials, std::nullopt};
  if (std::holds_alternative<OAuth1Token>(out.credentials)) {
    out.consumer = auth::OAuthConsumer{ctx.config().oauth1_key, ctx.config().oauth1_secret};
  }
  return out;
}

json::object rate_limits_json(const mediawiki::UserInfo& info) {
  json::object limits;
  for (const char* action : {"upload", "edit"}) {
    if (const auto l = info.most_permissive(action)) {
      limits[action] = json::object{{"hits", l->hits}, {"seconds", l->seconds}};
    }
  }
  return limits;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items)
    out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

int run_login(Context& ctx, const LoginOptions& options) {
  auto login = ask_credentials(ctx, options);
  Profile profile{login.credentials, login.consumer, ctx.config().commons_api_url, {}, {}};
  if (!options.no_verify) {
    auto client_options = service::commons_client_options(ctx.config());
    if (login.consumer) client_options.oauth_consumer = login.consumer;
    mediawiki::MediaWikiClient client(client_options, login.credentials);
    const auto account = service::identify(client, ctx.config());
    profile.userid = account.actor.userid;
    profile.username = account.actor.username;
  }
  write_profile(ctx.profile_path(), profile);
  if (ctx.out().json()) {
    json::object o{{"event", "logged_in"},
                   {"credentials", describe(login.credentials)},
                   {"api_url", profile.api_url},
                   {"profile", ctx.profile_path().string()}};
    if (profile.username) o["username"] = *profile.username;
    if (profile.userid) o["userid"] = *profile.userid;
    ctx.out().object(o);
  } else if (profile.username) {
    ctx.out().line(fmt::format("Logged in as {} (user id {}) on {} with a {}.", *profile.username,
                               *profile.userid, profile.api_url, describe(login.credentials)));
    ctx.out().line(fmt::format("Saved to {} (mode 0600).", ctx.profile_path().string()));
  } else {
    ctx.out().line(fmt::format("Saved a {} to {} (mode 0600) without checking it.",
                               describe(login.credentials), ctx.profile_path().string()));
  }
  return kExitOk;
}

int run_logout(Context& ctx) {
  const bool removed = remove_profile(ctx.profile_path());
  if (ctx.out().json()) {
    ctx.out().object(json::object{
        {"event", "logged_out"}, {"profile", ctx.profile_path().string()}, {"removed", removed}});
  } else {
    ctx.out().line(removed ? "Removed " + ctx.profile_path().string()
                           : "No login profile at " + ctx.profile_path().string());
  }
  return kExitOk;
}

int run_whoami(Context& ctx) {
  const auto creds = ctx.require_credentials();
  auto client = ctx.wiki(creds.credentials);
  const auto account = service::identify(client, ctx.config());
  const auto& info = account.info;
  const bool exempt = info.exempt_from_rate_limits();
  if (ctx.out().json()) {
    json::array groups;
    for (const auto& g : info.groups)
      groups.emplace_back(g);
    ctx.out().object(json::object{{"username", account.actor.username},
                                  {"userid", account.actor.userid},
                                  {"api_url", ctx.config().commons_api_url},
                                  {"credentials", describe(creds.credentials)},
                                  {"origin", creds.origin},
                                  {"groups", std::move(groups)},
                                  {"can_upload", info.has_right("upload")},
                                  {"rate_limit_exempt", exempt},
                                  {"rate_limits", rate_limits_json(info)},
                                  {"blocked", info.blocked},
                                  {"admin", account.actor.admin}});
    return kExitOk;
  }
  ctx.out().line(fmt::format("{} (user id {}) on {}", account.actor.username, account.actor.userid,
                             ctx.config().commons_api_url));
  ctx.out().line(
      fmt::format("credentials: {} (from {})", describe(creds.credentials), creds.origin));
  ctx.out().line("groups: " + join(info.groups));
  ctx.out().line(std::string("may upload: ") + (info.has_right("upload") ? "yes" : "no"));
  std::string limits;
  if (exempt) {
    limits = "none (exempt)";
  } else {
    for (const char* action : {"upload", "edit"}) {
      if (const auto l = info.most_permissive(action)) {
        limits += fmt::format("{}{} {} per {} s", limits.empty() ? "" : ", ", action, l->hits,
                              l->seconds);
      }
    }
  }
  ctx.out().line("rate limits: " + limits);
  ctx.out().line(std::string("blocked: ") +
                 (info.blocked ? "yes (" + info.block_reason + ")" : "no"));
  ctx.out().line(std::string("Curator admin: ") + (account.actor.admin ? "yes" : "no"));
  return kExitOk;
}

}  // namespace curator::cli
