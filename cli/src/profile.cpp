#include "profile.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "curator/core/error.hpp"
#include "curator/core/json.hpp"

namespace curator::cli {
namespace {

constexpr std::size_t kMaxProfileBytes = 64 * 1024;

[[noreturn]] void bad_file(const std::filesystem::path& path, std::string_view why) {
  throw Error(ErrorKind::invalid_input, fmt::format("{}: {}", path.string(), why),
              "invalid_profile");
}

}  // namespace

std::filesystem::path default_profile_path() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg != nullptr && *xdg == '/') return std::filesystem::path(xdg) / "curator/curatorctl.json";
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') {
    return std::filesystem::path(home) / ".config/curator/curatorctl.json";
  }
  return std::filesystem::path("curatorctl.json");
}

std::optional<Profile> read_profile(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::nullopt;
    bad_file(path, std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) bad_file(path, "is not a regular file");
  if ((st.st_mode & 077) != 0) {
    bad_file(path, "is readable by other users; run `chmod 600` on it or log in again");
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxProfileBytes) bad_file(path, "is too large");
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  try {
    const auto doc = json::parse(text.str(), "the curatorctl profile", kMaxProfileBytes, 16);
    const auto& o = json::as_object(doc, "the curatorctl profile");
    Profile p;
    const auto* creds = o.if_contains("credentials");
    if (creds == nullptr) bad_file(path, "has no credentials");
    p.credentials = credentials_from_json(*creds);
    if (const auto* c = o.if_contains("oauth1_consumer"); c != nullptr) {
      const auto& co = json::as_object(*c, "oauth1_consumer");
      p.consumer =
          auth::OAuthConsumer{json::require_string(co, "key"), json::require_string(co, "secret")};
    }
    p.api_url = json::get_string(o, "api_url").value_or("");
    p.userid = json::get_string(o, "userid");
    p.username = json::get_string(o, "username");
    return p;
  } catch (const Error& e) {
    if (e.code() == "invalid_profile") throw;
    if (e.code() == "invalid_credentials") bad_file(path, e.what());
    // The parser's message may quote the text; the text holds secrets.
    bad_file(path, "is not a valid curatorctl profile (log in again)");
  }
}

void write_profile(const std::filesystem::path& path, const Profile& profile) {
  json::object o{{"credentials", to_json(profile.credentials)}, {"api_url", profile.api_url}};
  if (profile.consumer) {
    o["oauth1_consumer"] =
        json::object{{"key", profile.consumer->key}, {"secret", profile.consumer->secret}};
  }
  if (profile.userid) o["userid"] = *profile.userid;
  if (profile.username) o["username"] = *profile.username;
  const auto text = json::serialize(o) + "\n";

  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  if (!std::filesystem::exists(dir)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) bad_file(path, fmt::format("cannot create its directory: {}", ec.message()));
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  }
  auto tmp = path;
  tmp += fmt::format(".{}.tmp", ::getpid());
  // 0600 from the first byte: the secret never sits in a file others can read.
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) bad_file(path, std::strerror(errno));
  ::fchmod(fd, 0600);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced || std::rename(tmp.c_str(), path.c_str()) != 0) {
    const auto why = std::strerror(errno);
    std::filesystem::remove(tmp, ec);
    bad_file(path, fmt::format("cannot be written: {}", why));
  }
}

bool remove_profile(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::remove(path, ec);
}

}  // namespace curator::cli
