#pragma once
// curatorctl's exit codes (docs/cli.md, "Exit codes").

namespace curator::cli {

inline constexpr int kExitOk = 0;          // everything asked for was done
inline constexpr int kExitSomeFailed = 1;  // finished, but some uploads failed
inline constexpr int kExitUsage = 2;    // bad flag or value, unknown batch or preset, nothing to do
inline constexpr int kExitAuth = 3;     // no credentials, refused credentials, permission denied
inline constexpr int kExitService = 4;  // a service failed: database, wiki, Mapillary, Flickr
inline constexpr int kExitInterrupted = 130;  // stopped by Ctrl-C or SIGTERM (128 + SIGINT)

}  // namespace curator::cli
