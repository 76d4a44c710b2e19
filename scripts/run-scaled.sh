#!/usr/bin/env bash
# The production shape on one machine: a PostgreSQL 15 cluster, an S3 server (s3rver) and
# `mlops serve` configured for them, on 127.0.0.1. REPLICAS=2 starts a second replica on the next
# port, sharing the database and the buckets. Everything is throwaway: Ctrl-C stops the servers
# and removes their data.
#   scripts/run-scaled.sh [BUILD_DIR]
set -euo pipefail

build_dir=${1:-build}
scripts=$(cd "$(dirname "$0")" && pwd)
replicas=${REPLICAS:-1}
port=${SERVICE_PORT:-8000}
state=$(mktemp -d "${TMPDIR:-/tmp}/mlops-scaled.XXXXXX")
# The cluster runs as the postgres user when started as root: it must be able to enter.
chmod 755 "$state"
export MLOPS_S3_STATE_DIR="$state/s3"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$scripts/test-s3.sh" stop
  "$scripts/test-postgres.sh" stop "$state/postgres"
  rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DATABASE_URL=$("$scripts/test-postgres.sh" start "$state/postgres")
MINIO_ENDPOINT=$("$scripts/test-s3.sh" start)
# s3rver accepts any credentials; these are its documented defaults.
export DATABASE_URL MINIO_ENDPOINT MINIO_ACCESS_KEY=S3RVER MINIO_SECRET_KEY=S3RVER
export MLOPS_ADMIN_API_KEY=${MLOPS_ADMIN_API_KEY:-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')}

# Migrate once, then start the replicas (each would migrate too, under an advisory lock).
"$build_dir/mlops" migrate
for i in $(seq 0 $((replicas - 1))); do
  MLOPS_DATA_DIR="$state/replica-$i" "$build_dir/mlops" serve --port $((port + i)) &
  pids+=($!)
done

cat <<INFO
run-scaled: PostgreSQL  $DATABASE_URL
run-scaled: S3          $MINIO_ENDPOINT (buckets mlops-models, mlops-validation-reports)
run-scaled: mlops       http://127.0.0.1:$port ... $((port + replicas - 1)) ($replicas replica(s))
run-scaled: admin key   $MLOPS_ADMIN_API_KEY
run-scaled: Ctrl-C stops everything and removes the data.
INFO
wait -n "${pids[@]}"
