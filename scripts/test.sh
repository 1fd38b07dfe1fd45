#!/usr/bin/env bash
# Quick start, command 2: installs what is needed, checks formatting, builds
# everything with ASan+UBSan, starts the test services (Redis, MariaDB,
# MediaWiki) on loopback and runs every test with ctest -j2.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

step "install dependencies"
bash scripts/install-deps.sh

step "check formatting"
bash scripts/check-format.sh

step "build (ASan+UBSan)"
build=build/asan
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCURATOR_SANITIZE=ON >/dev/null
cmake --build "$build" -j 2

step "start test services"
svc_dir=$(mktemp -d /tmp/curator-svc.XXXXXX)
cleanup() { bash scripts/test-services.sh stop "$svc_dir" || true; rm -rf "$svc_dir"; }
trap cleanup EXIT
bash scripts/test-services.sh start "$svc_dir"
# shellcheck disable=SC1091
. "$svc_dir/services.env"

step "run tests"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
ctest --test-dir "$build" -j 2 --output-on-failure --timeout 600 || status=$?
step "done (exit $status)"
exit $status
