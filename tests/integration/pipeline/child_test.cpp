// The worker process the kill tests start and SIGKILL: this test binary run
// again with -tc="child:*" and CURATOR_PIPELINE_CHILD naming a JSON file with
// the world's addresses. Run normally (no variable), the case does nothing.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "child.hpp"

TEST_CASE("child: a worker process for the kill tests (idle unless they start it)") {
  const char* path = std::getenv("CURATOR_PIPELINE_CHILD");
  if (path == nullptr || *path == '\0') return;
  curator::pipeline::e2e::run_child(path);
}
