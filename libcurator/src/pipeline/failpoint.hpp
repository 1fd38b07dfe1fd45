#pragma once
// Failpoints for the crash tests: CURATOR_FAILPOINT=<step>[:<n>] makes the
// process SIGKILL itself the n-th time (default the first) a job reaches that
// step, so a test can kill a worker at an exact boundary of the upload state
// machine (docs/pipeline.md, "Crash safety"). The variable is read once per
// process; unset, reaching a failpoint costs one load of a static. Only the
// job's own steps know these names; nothing outside the pipeline uses them.

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace curator::pipeline::detail {

enum class Failpoint {
  claim,     // the row was claimed (in_progress, leased); nothing else happened
  download,  // the file is on disk with its SHA-1, nothing uses it yet
  lock,      // the hash lock is held, no chunk was sent
  chunk,     // a chunk was accepted and more are to come (n counts chunks)
  stash,     // the whole file is in the stash; the publish request goes out next
  publish,   // the wiki answered the publish: the file is on Commons, no SDC yet
  sdc,       // a structured-data edit was saved, its null edit not yet made
  status,    // all work on the wiki is done; the terminal status is not written
};
inline constexpr std::size_t kFailpointCount = 8;

inline constexpr std::string_view kFailpointVariable = "CURATOR_FAILPOINT";

std::string_view to_string(Failpoint point) noexcept;

struct FailpointSpec {
  Failpoint point = Failpoint::claim;
  std::uint64_t hit = 1;  // fire on this arrival at the point (1 = the first)
  bool operator==(const FailpointSpec&) const = default;
};

/// Parses "<step>[:<n>]" (n from 1 to 1,000,000). Throws Error(invalid_input)
/// naming the variable and the known steps for anything else.
FailpointSpec parse_failpoint(std::string_view text);

/// Counts arrivals at each point and says when the armed one fires.
class FailpointTrigger {
 public:
  explicit FailpointTrigger(std::optional<FailpointSpec> spec) : spec_(spec) {}
  bool armed() const { return spec_.has_value(); }
  /// True exactly once: on the spec's n-th arrival at its point.
  bool reached(Failpoint point);

 private:
  std::optional<FailpointSpec> spec_;
  std::array<std::atomic<std::uint64_t>, kFailpointCount> arrivals_{};
};

/// CURATOR_FAILPOINT of this process, read on the first call. Throws
/// Error(invalid_input) (on every call) when the value is malformed, so that
/// Pipeline::start refuses to run with a failpoint that would never fire.
const std::optional<FailpointSpec>& armed_failpoint();

/// SIGKILLs this process when CURATOR_FAILPOINT arms `point` and this is its
/// n-th arrival; otherwise does nothing. No destructor, flush or release
/// runs: the process ends as if killed from outside.
void failpoint(Failpoint point);

}  // namespace curator::pipeline::detail
