#!/usr/bin/env bash
# Benchmarks the service on its embedded defaults, on loopback, with wrk sharing the machine:
#   1. GET /api/v1/mlops/models/{id}     (wrk, 64 connections)
#   2. POST /api/v1/mlops/feedback       (wrk, 64 connections)
#   3. a 1 GiB multipart upload (curl) against `dd conv=fsync` of the same bytes, alternating, and
#      the server's peak RSS over the uploads (a fresh server, so VmHWM is the uploads').
# Usage: bench/run.sh [build-dir]. Env: DURATION (default 10s), UPLOAD_MIB (default 1024),
# ROUNDS (default 3), LOG_LEVEL (default info: one access-log line per request, as in production),
# BACKENDS (default embedded: SQLite + filesystem; postgres_s3: a throwaway PostgreSQL 15 cluster
# and s3rver, started by the test scripts, with a fresh database and buckets per server).
set -euo pipefail
build_dir=${1:-build}
binary=$(realpath "$build_dir/mlops")
duration=${DURATION:-10s}
upload_mib=${UPLOAD_MIB:-1024}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /var/tmp/mlops-bench-XXXXXX)
chmod 755 "$work" # PostgreSQL runs as its own user, under it
key=bench-admin-key-0123456789
backends=${BACKENDS:-embedded}
scripts=$here/../scripts
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  if [ "$backends" = postgres_s3 ]; then
    "$scripts/test-s3.sh" stop
    "$scripts/test-postgres.sh" stop "$work/postgres"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Variables pointing a server named $1 at its own stores (none on the embedded defaults).
backend_env=()
if [ "$backends" = postgres_s3 ]; then
  export MLOPS_S3_STATE_DIR=$work/s3
  postgres_url=$("$scripts/test-postgres.sh" start "$work/postgres")
  s3_endpoint=$("$scripts/test-s3.sh" start)
fi
use_backends() {
  [ "$backends" = postgres_s3 ] || return 0
  psql -q "$postgres_url" -c "CREATE DATABASE bench_$1"
  backend_env=(DATABASE_URL="${postgres_url%/postgres}/bench_$1" MINIO_ENDPOINT="$s3_endpoint"
    MINIO_ACCESS_KEY=S3RVER MINIO_SECRET_KEY=S3RVER MINIO_MODEL_BUCKET_NAME="bench-$1-models"
    MINIO_VALIDATION_REPORTS_BUCKET_NAME="bench-$1-reports")
}

start_server() {
  local data=$1
  mkdir -p "$data"
  rm -f "$data/port"
  use_backends "$(basename "$data")"
  # Validation on upload is off: it would scan each 1 GiB upload while the next round runs, and
  # it has benchmarks of its own (bench/README.md).
  env "${backend_env[@]}" MLOPS_DATA_DIR="$data" MLOPS_ADMIN_API_KEY=$key LOG_LEVEL=${LOG_LEVEL:-info} \
    ENABLE_AUTOMATED_SECURITY_SCANNING_TRIGGER=false "$binary" serve --port 0 --port-file "$data/port" >"$data/stdout.log" 2>"$data/stderr.log" &
  pid=$!
  for _ in $(seq 200); do [ -s "$data/port" ] && break; sleep 0.05; done
  port=$(cat "$data/port")
  api=http://127.0.0.1:$port/api/v1/mlops
}
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
json_id() { sed -n 's/.*"id":"\([^"]*\)".*/\1/p'; }

echo "machine: $(nproc) cores, $(uname -r); server threads: one per core; log level ${LOG_LEVEL:-info}; backends $backends"
start_server "$work/crud"
model=$(curl -sf -X POST "$api/models" -H "X-API-Key: $key" -H 'Content-Type: application/json' \
  -d '{"name":"bench-model","task_type":"text_to_image"}' | json_id)
head -c 1024 /dev/urandom >"$work/small.bin"
version=$(curl -sf -X POST "$api/models/$model/versions" -H "X-API-Key: $key" \
  -F 'version_details={"version_string":"1","model_format":"ONNX","interface_type":"TORCHSERVE"}' \
  -F "file=@$work/small.bin" | json_id)

echo
echo "== GET /models/{id}: wrk -t2 -c64 -d$duration --latency"
wrk -t2 -c64 -d"$duration" --latency -H "X-API-Key: $key" "$api/models/$model" | tee "$work/get.txt"
echo
echo "== POST /feedback: wrk -t2 -c64 -d$duration --latency -s bench/post_feedback.lua"
KEY=$key VERSION=$version wrk -t2 -c64 -d"$duration" --latency -s "$here/post_feedback.lua" \
  "$api/feedback" | tee "$work/post.txt"
stop_server

echo
echo "== upload of ${upload_mib} MiB, ${ROUNDS:-3} rounds alternating with dd conv=fsync of the same file"
head -c $((upload_mib * 1024 * 1024)) /dev/urandom >"$work/big.bin"
start_server "$work/upload"
model=$(curl -sf -X POST "$api/models" -H "X-API-Key: $key" -H 'Content-Type: application/json' \
  -d '{"name":"bench-upload","task_type":"text_to_image"}' | json_id)
bytes=$((upload_mib * 1048576))
ratios=()
for round in $(seq "${ROUNDS:-3}"); do
  sync
  dd_start=$(date +%s.%N)
  dd if="$work/big.bin" of="$work/dd.out" bs=1M conv=fsync status=none
  dd_end=$(date +%s.%N)
  rm -f "$work/dd.out"
  sync
  upload=$(curl -sf -o "$work/upload.json" -w '%{http_code} %{time_total}' \
    -X POST "$api/models/$model/versions" -H "X-API-Key: $key" \
    -F "version_details={\"version_string\":\"$round\",\"model_format\":\"OTHER\",\"interface_type\":\"CUSTOM_FASTAPI\"}" \
    -F "file=@$work/big.bin")
  read -r code seconds <<<"$upload"
  # Keep the disk from filling over the rounds (S3's objects are removed with its state).
  rm -rf "$work/upload/artifacts/mlops-models/models"
  ratio=$(awk -v b="$bytes" -v s="$seconds" -v d0="$dd_start" -v d1="$dd_end" 'BEGIN {
    dd = b / (d1 - d0) / 1e6; up = b / s / 1e6;
    printf "%.0f %.0f %.2f", dd, up, up / dd }')
  read -r dd_mbs up_mbs r <<<"$ratio"
  echo "round $round: dd conv=fsync ${dd_mbs} MB/s; upload HTTP $code ${up_mbs} MB/s; upload/dd = $r"
  ratios+=("$r")
done
rss_peak=$(awk '/VmHWM/{print $2}' /proc/$pid/status)
stop_server
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median upload/dd ratio: $median"
echo "server peak RSS over the uploads (VmHWM): $((rss_peak / 1024)) MiB"
