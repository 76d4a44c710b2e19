#!/usr/bin/env bash
# Runs every CTest test of the build in $1 and prints a one-line summary CI can read.
set -uo pipefail
build_dir=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)

# --- S3 test server (s3rver): started before ctest, stopped on any exit ---
s3_start() {
  export MLOPS_S3_STATE_DIR
  MLOPS_S3_STATE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mlops-s3.XXXXXX")
  MLOPS_TEST_S3_ENDPOINT=$("$here/test-s3.sh" start) || return 1
  export MLOPS_TEST_S3_ENDPOINT
}
s3_stop() {
  [ -n "${MLOPS_S3_STATE_DIR:-}" ] && "$here/test-s3.sh" stop
}
# --- end S3 test server ---

trap s3_stop EXIT
s3_start || { echo "run-tests: cannot start the S3 test server" >&2; exit 1; }
# Backends the tests would otherwise skip must be there: a skipped suite is not a passed one.
export MLOPS_REQUIRE_BACKENDS=1

ctest --test-dir "$build_dir" --output-on-failure --timeout 300 -j "$(nproc)"
