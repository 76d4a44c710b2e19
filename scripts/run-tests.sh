#!/usr/bin/env bash
# Runs every CTest test of the build in $1 and prints a one-line summary CI can read.
set -uo pipefail
build_dir=${1:-build}
scripts=$(cd "$(dirname "$0")" && pwd)

# Backends the tests need are started here and stopped on exit, also when tests fail; the tests
# fail rather than skip when one is missing.
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
# --- end PostgreSQL ---

stop_backends() {
  stop_postgres
}
trap stop_backends EXIT

start_postgres || { echo "run-tests: cannot start PostgreSQL" >&2; exit 1; }

ctest --test-dir "$build_dir" --output-on-failure --timeout 300 -j "$(nproc)"
