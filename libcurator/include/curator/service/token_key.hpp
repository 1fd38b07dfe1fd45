#pragma once
// Which Fernet key encrypts access tokens at rest (decisions.md, "Tokens at
// rest"): CURATOR_TOKEN_ENCRYPTION_KEY when set; otherwise, in the embedded
// mode, a key generated on first use and kept in the data directory with
// mode 0600; in the distributed mode a missing key is an error, because
// every process must share it.

#include <filesystem>
#include <string>

#include "curator/core/config.hpp"
#include "curator/export.hpp"

namespace curator::service {

/// The file that holds the embedded mode's key: <data dir>/token-encryption.key.
CURATOR_API std::filesystem::path token_key_path(const Config& config);

/// The key to use. Creates the data directory and the key file when needed
/// (never overwriting one that another process wrote first). Throws
/// Error(invalid_input) in the distributed mode without a key, or when the
/// key file is malformed or readable by others.
CURATOR_API std::string resolve_token_key(const Config& config);

}  // namespace curator::service
