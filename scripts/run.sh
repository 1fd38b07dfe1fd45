#!/usr/bin/env bash
# Quick start, command 1: installs what is needed, builds curator-server
# (Release) and runs it on 127.0.0.1:8000 with the embedded defaults (SQLite
# in the data directory, no Redis). Extra arguments go to curator-server,
# e.g. `scripts/run.sh --frontend-dir /path/to/dist`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCURATOR_BUILD_TESTS=OFF -DCURATOR_BUILD_BENCH=OFF -DCURATOR_BUILD_EXAMPLES=OFF \
      -DCURATOR_WERROR=OFF  # warnings fail CI (scripts/test.sh), never a quick start
cmake --build build/release --target curator-server curatorctl
echo "curator-server: http://127.0.0.1:8000 (Ctrl-C stops it)"
exec build/release/server/curator-server "$@"
