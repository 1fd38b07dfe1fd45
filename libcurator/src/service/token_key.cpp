#include "curator/service/token_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "curator/auth/fernet.hpp"
#include "curator/core/error.hpp"

namespace curator::service {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, std::string_view why) {
  throw Error(ErrorKind::invalid_input, fmt::format("token key file {}: {}", path.string(), why),
              "token_key");
}

std::string read_key(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) fail(path, std::strerror(errno));
  if ((st.st_mode & 077) != 0) fail(path, "is readable by other users (chmod 600 it)");
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string key = text.str();
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' '))
    key.pop_back();
  try {
    auth::Fernet check(key);
  } catch (const Error&) {
    fail(path, "does not hold a Fernet key");
  }
  return key;
}

}  // namespace

std::filesystem::path token_key_path(const Config& config) {
  return std::filesystem::path(config.data_dir) / "token-encryption.key";
}

std::string resolve_token_key(const Config& config) {
  if (!config.token_encryption_key.empty()) return config.token_encryption_key;
  if (!config.embedded()) {
    throw Error(ErrorKind::invalid_input,
                "CURATOR_TOKEN_ENCRYPTION_KEY is required in the distributed mode (every process "
                "must share it)",
                "token_key");
  }
  const auto path = token_key_path(config);
  if (std::filesystem::exists(path)) return read_key(path);
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) fail(path, fmt::format("cannot create its directory: {}", ec.message()));
  const auto key = auth::generate_fernet_key();
  // Written whole under a private name, then linked into place: link() fails
  // when another process got there first, and nobody reads a partial key.
  auto tmp = path;
  tmp += fmt::format(".{}.tmp", ::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail(path, std::strerror(errno));
  const auto line = key + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced) {
    std::filesystem::remove(tmp, ec);
    fail(path, "could not be written");
  }
  const int linked = ::link(tmp.c_str(), path.c_str());
  const int link_errno = errno;
  std::filesystem::remove(tmp, ec);
  if (linked != 0) {
    if (link_errno == EEXIST) return read_key(path);
    fail(path, std::strerror(link_errno));
  }
  return key;
}

}  // namespace curator::service
