// Byte progress: the throttle passes a phase's first and last report, a
// restart and a phase change, and drops what comes sooner than
// kProgressInterval; a failing sink is contained; the JSON shape.
#include <doctest/doctest.h>

#include <stdexcept>
#include <vector>

#include "curator/pipeline/progress.hpp"

using namespace curator;
using namespace curator::pipeline;

namespace {

ProgressEvent base() {
  return ProgressEvent{7, 42, TransferPhase::download, 0, 0, "Photo 1.jpg"};
}

}  // namespace

TEST_CASE("the progress throttle keeps the edges and drops the rush in between") {
  std::vector<ProgressEvent> seen;
  const ProgressSink sink = [&](const ProgressEvent& e) { seen.push_back(e); };
  ProgressThrottle throttle(&sink, base());

  constexpr std::uint64_t kTotal = 10'000'000;
  const auto started = std::chrono::steady_clock::now();
  for (std::uint64_t b = 16'384; b < kTotal; b += 16'384)
    throttle.report(TransferPhase::download, b, kTotal);
  throttle.report(TransferPhase::download, kTotal, kTotal);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  // The first, the last, and at most one per interval that passed.
  const auto allowed = static_cast<std::size_t>(elapsed / kProgressInterval) + 2;
  REQUIRE(seen.size() >= 2);
  CHECK(seen.size() <= allowed);
  CHECK(seen.front().bytes == 16'384);
  CHECK(seen.back().bytes == kTotal);
  CHECK(seen.back().total == kTotal);
  CHECK(seen.back().batch_id == 7);
  CHECK(seen.back().upload_id == 42);
  CHECK(seen.back().title == "Photo 1.jpg");
  for (std::size_t i = 1; i < seen.size(); ++i)
    CHECK(seen[i].bytes > seen[i - 1].bytes);

  // The same report again is not news; a new phase is, and so is a restart.
  const auto before = seen.size();
  throttle.report(TransferPhase::download, kTotal, kTotal);
  CHECK(seen.size() == before);
  throttle.report(TransferPhase::upload, 0, kTotal);
  REQUIRE(seen.size() == before + 1);
  CHECK(seen.back().phase == TransferPhase::upload);
  throttle.report(TransferPhase::upload, 5'242'880, kTotal);  // within the interval: dropped
  CHECK(seen.size() == before + 1);
  throttle.report(TransferPhase::upload, 0, kTotal);  // the stash was lost: starts again
  CHECK(seen.size() == before + 1);                   // same as the last one passed on
  throttle.report(TransferPhase::upload, kTotal, kTotal);
  REQUIRE(seen.size() == before + 2);
  CHECK(seen.back().bytes == kTotal);
  throttle.report(TransferPhase::upload, 1'048'576, kTotal);  // a restart after the end
  CHECK(seen.size() == before + 3);
}

TEST_CASE("no sink, an empty sink or a throwing sink cost the job nothing") {
  ProgressThrottle none(nullptr, base());
  none.report(TransferPhase::download, 1, 2);
  const ProgressSink empty;
  ProgressThrottle quiet(&empty, base());
  quiet.report(TransferPhase::download, 1, 2);
  int calls = 0;
  const ProgressSink throwing = [&](const ProgressEvent&) {
    ++calls;
    throw std::runtime_error("display gone");
  };
  ProgressThrottle loud(&throwing, base());
  CHECK_NOTHROW(loud.report(TransferPhase::download, 1, 2));
  CHECK_NOTHROW(loud.report(TransferPhase::download, 2, 2));
  CHECK(calls == 2);
}

TEST_CASE("a progress event as JSON") {
  auto e = base();
  e.phase = TransferPhase::upload;
  e.bytes = 5;
  e.total = 9;
  CHECK(
      json::serialize(to_json(e)) ==
      R"({"batch_id":7,"upload_id":42,"phase":"upload","bytes":5,"total":9,"title":"Photo 1.jpg"})");
  CHECK(to_string(TransferPhase::download) == "download");
}
