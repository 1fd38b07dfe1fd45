#pragma once
// The operator's saved login (`curatorctl login`): credentials, the OAuth
// 1.0a consumer they need, who they belong to and on which wiki. One JSON
// file, created with mode 0600 in a 0700 directory, replaced atomically; a
// file that others can read is refused, as ssh refuses such keys.

#include <filesystem>
#include <optional>
#include <string>

#include "curator/auth/oauth1.hpp"
#include "curator/core/credentials.hpp"

namespace curator::cli {

struct Profile {
  Credentials credentials;
  std::optional<auth::OAuthConsumer> consumer;  // owner-only consumer for OAuth 1.0a
  std::string api_url;                          // the wiki the login was checked against
  std::optional<std::string> userid;            // unset with `login --no-verify`
  std::optional<std::string> username;
};

/// $XDG_CONFIG_HOME/curator/curatorctl.json, else ~/.config/curator/curatorctl.json.
std::filesystem::path default_profile_path();

/// nullopt when the file does not exist. Throws Error(invalid_input) naming
/// the file when it is malformed or readable by group or others.
std::optional<Profile> read_profile(const std::filesystem::path& path);

/// Writes the file (0600) through a temporary file and a rename.
void write_profile(const std::filesystem::path& path, const Profile& profile);

/// True when a file was removed.
bool remove_profile(const std::filesystem::path& path);

}  // namespace curator::cli
