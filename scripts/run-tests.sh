#!/usr/bin/env bash
# Runs every CTest test of the build in $1 and prints a one-line summary CI can read.
set -uo pipefail
build_dir=${1:-build}
scripts=$(cd "$(dirname "$0")" && pwd)

# Backends the tests need are started here and stopped on exit, also when tests fail; the tests
# fail rather than skip when one is missing: a skipped suite is not a passed one.
export MLOPS_REQUIRE_BACKENDS=1

# --- PostgreSQL: a throwaway cluster (scripts/test-postgres.sh) ---
postgres_dir=""
start_postgres() {
  postgres_dir=$(mktemp -u /tmp/mlops-test-postgres-XXXXXX)
  MLOPS_TEST_POSTGRES_URL=$("$scripts/test-postgres.sh" start "$postgres_dir") || return 1
  export MLOPS_TEST_POSTGRES_URL
}
stop_postgres() {
  [ -n "$postgres_dir" ] && "$scripts/test-postgres.sh" stop "$postgres_dir"
}

# --- S3: a throwaway s3rver (scripts/test-s3.sh) ---
start_s3() {
  export MLOPS_S3_STATE_DIR
  MLOPS_S3_STATE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mlops-s3.XXXXXX")
  MLOPS_TEST_S3_ENDPOINT=$("$scripts/test-s3.sh" start) || return 1
  export MLOPS_TEST_S3_ENDPOINT
}
stop_s3() {
  [ -n "${MLOPS_S3_STATE_DIR:-}" ] && "$scripts/test-s3.sh" stop
}

stop_backends() {
  stop_s3
  stop_postgres
}
trap stop_backends EXIT

start_postgres || { echo "run-tests: cannot start PostgreSQL" >&2; exit 1; }
start_s3 || { echo "run-tests: cannot start the S3 test server" >&2; exit 1; }

ctest --test-dir "$build_dir" --output-on-failure --timeout 300 -j "$(nproc)"
