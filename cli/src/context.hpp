#pragma once
// What every command shares: the configuration (environment plus global
// flags), the output mode, the database (opened on first use; an SQLite
// database is migrated on open, a MySQL one must be migrated with
// `curatorctl migrate`), the operator's credentials and who they belong to.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "curator/core/config.hpp"
#include "curator/core/credentials.hpp"
#include "curator/core/error.hpp"
#include "curator/mediawiki/client.hpp"
#include "curator/service/batches.hpp"
#include "curator/store/database.hpp"
#include "output.hpp"
#include "profile.hpp"

namespace curator::cli {

struct GlobalOptions {
  std::string database;
  std::string redis;
  std::string data_dir;
  std::string config_file;
  std::string log_level;
  bool json = false;
};

/// The operator's credentials and where they came from.
struct OperatorCredentials {
  Credentials credentials;
  std::string origin;              // "environment" or the profile's path
  std::optional<Profile> profile;  // when they came from the profile
};

class Context {
 public:
  explicit Context(const GlobalOptions& options);

  const Config& config() const { return config_; }
  Output& out() { return out_; }
  const std::filesystem::path& profile_path() const { return profile_path_; }

  /// The database, migrated (SQLite) or checked to be (MySQL).
  store::Database& database();
  /// The database as it is, for `migrate`.
  store::Database& raw_database();

  /// Credentials from the environment (CURATOR_BOT_USER…, CURATOR_OAUTH2_TOKEN,
  /// CURATOR_OAUTH1_ACCESS_KEY…), else from the profile; nullopt when neither
  /// has any. Throws Error(invalid_input) for half-set variables.
  std::optional<OperatorCredentials> credentials();
  /// The same, or Error(auth) telling how to log in.
  OperatorCredentials require_credentials();
  /// Who the credentials belong to: recorded in the profile at login, else
  /// asked of the wiki once. Throws Error(auth) without credentials.
  service::Actor actor();
  /// A client of the configured wiki with these credentials (none: anonymous).
  mediawiki::MediaWikiClient wiki(const std::optional<Credentials>& credentials);
  /// The credentials encrypted for upload rows (the token key of service/token_key.hpp).
  std::string sealed(const Credentials& credentials);

 private:
  Config config_;
  Output out_;
  std::filesystem::path profile_path_;
  std::optional<store::Database> db_;
  bool migrated_checked_ = false;
  std::optional<service::Actor> actor_;
};

/// The exit code for an error (exit_codes.hpp).
int exit_code_for(const Error& error);

/// Prints the error (text on stderr; with --json also an object on stdout)
/// and returns its exit code.
int report(Context* ctx, const Error& error);

}  // namespace curator::cli
