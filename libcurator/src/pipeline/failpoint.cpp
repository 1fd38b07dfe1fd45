#include "pipeline/failpoint.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>

#include "curator/core/error.hpp"

namespace curator::pipeline::detail {

namespace {

constexpr std::array<std::string_view, kFailpointCount> kNames{
    "claim", "download", "lock", "chunk", "stash", "publish", "sdc", "status"};
constexpr std::uint64_t kMaxHit = 1'000'000;
constexpr std::size_t kMaxText = 64;

[[noreturn]] void refuse(std::string_view text, std::string_view why) {
  const auto shown =
      text.size() > kMaxText ? std::string(text.substr(0, kMaxText)) + "…" : std::string(text);
  throw Error(ErrorKind::invalid_input,
              fmt::format("{}=\"{}\": {} (expected <step>[:<n>] with a step among claim, "
                          "download, lock, chunk, stash, publish, sdc, status and n from 1 to "
                          "1000000)",
                          kFailpointVariable, shown, why),
              "invalid_failpoint");
}

struct Armed {
  std::optional<FailpointSpec> spec;
  std::string error;  // a malformed value: refused by every armed_failpoint()
};

const Armed& armed() {
  static const Armed value = [] {
    Armed a;
    const char* text = std::getenv(std::string(kFailpointVariable).c_str());
    if (text == nullptr || *text == '\0') return a;
    try {
      a.spec = parse_failpoint(text);
    } catch (const Error& e) {
      a.error = e.what();
    }
    return a;
  }();
  return value;
}

FailpointTrigger& trigger() {
  static FailpointTrigger t(armed().spec);
  return t;
}

}  // namespace

std::string_view to_string(Failpoint point) noexcept {
  const auto i = static_cast<std::size_t>(point);
  return i < kNames.size() ? kNames[i] : "unknown";
}

FailpointSpec parse_failpoint(std::string_view text) {
  if (text.empty()) refuse(text, "empty");
  if (text.size() > kMaxText) refuse(text, "too long");
  const auto colon = text.find(':');
  const auto name = text.substr(0, colon);
  FailpointSpec spec;
  bool known = false;
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) {
      spec.point = static_cast<Failpoint>(i);
      known = true;
    }
  }
  if (!known) refuse(text, "unknown step");
  if (colon == std::string_view::npos) return spec;
  const auto count = text.substr(colon + 1);
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
  if (count.empty() || ec != std::errc() || end != count.data() + count.size() || n < 1 ||
      n > kMaxHit) {
    refuse(text, "the count after ':' is not a number from 1 to 1000000");
  }
  spec.hit = n;
  return spec;
}

bool FailpointTrigger::reached(Failpoint point) {
  if (!spec_ || spec_->point != point) return false;
  const auto i = static_cast<std::size_t>(point);
  return arrivals_[i].fetch_add(1) + 1 == spec_->hit;
}

const std::optional<FailpointSpec>& armed_failpoint() {
  const auto& a = armed();
  if (!a.error.empty()) throw Error(ErrorKind::invalid_input, a.error, "invalid_failpoint");
  return a.spec;
}

void failpoint(Failpoint point) {
  static const bool armed_here = armed().spec.has_value();
  if (!armed_here || !trigger().reached(point)) return;
  // write(2), not the logger: nothing buffered may stand between this line
  // and the kill (a test reads it to learn where the process died).
  const auto line = fmt::format("curator: failpoint {} reached: SIGKILL (pid {})\n",
                                to_string(point), ::getpid());
  [[maybe_unused]] const auto written = ::write(STDERR_FILENO, line.data(), line.size());
  ::kill(::getpid(), SIGKILL);
  std::_Exit(137);  // not reached: SIGKILL cannot be caught
}

}  // namespace curator::pipeline::detail
