#!/usr/bin/env bash
# A/B of the upload path of two server binaries: each round runs `dd conv=fsync` of a file, then
# uploads it to server A, then to server B (each on its own embedded-defaults data directory),
# and prints the throughputs, the ratios to dd and each server's CPU time (user + sys, all
# threads) for its upload. Alternating in one run keeps the machine's load and the disk's state
# comparable between A and B; swap A and B in a second run to see any order effect.
# Usage: bench/upload_ab.sh binary-a binary-b. Env: UPLOAD_MIB (default 1024), ROUNDS (default
# 3), DATA_BASE (default /var/tmp; /dev/shm takes the disk out and shows the CPU-bound speed).
set -euo pipefail
binary_a=$(realpath "$1")
binary_b=$(realpath "$2")
upload_mib=${UPLOAD_MIB:-1024}
bytes=$((upload_mib * 1048576))
work=$(mktemp -d "${DATA_BASE:-/var/tmp}/mlops-upload-ab-XXXXXX")
key=bench-admin-key-0123456789
pid_a=
pid_b=
cleanup() {
  [ -n "$pid_a" ] && kill "$pid_a" 2>/dev/null && wait "$pid_a" 2>/dev/null
  [ -n "$pid_b" ] && kill "$pid_b" 2>/dev/null && wait "$pid_b" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

launch() {
  mkdir -p "$work/$1"
  MLOPS_DATA_DIR=$work/$1 MLOPS_ADMIN_API_KEY=$key LOG_LEVEL=info \
    "$2" serve --port 0 --port-file "$work/$1/port" >"$work/$1/stdout.log" 2>&1 &
}
# Waits for server $1 and prints the versions URL of a fresh model on it.
versions_url() {
  for _ in $(seq 200); do [ -s "$work/$1/port" ] && break; sleep 0.05; done
  local api model
  api=http://127.0.0.1:$(cat "$work/$1/port")/api/v1/mlops
  model=$(curl -sf -X POST "$api/models" -H "X-API-Key: $key" -H 'Content-Type: application/json' \
    -d '{"name":"ab","task_type":"text_to_image"}' | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
  echo "$api/models/$model/versions"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Uploads the file as version $2 to URL $1; prints curl's total seconds.
upload() {
  curl -sf -o /dev/null -w '%{time_total}' -X POST "$1" -H "X-API-Key: $key" \
    -F "version_details={\"version_string\":\"$2\",\"model_format\":\"OTHER\",\"interface_type\":\"CUSTOM_FASTAPI\"}" \
    -F "file=@$work/big.bin"
}

head -c "$bytes" /dev/urandom >"$work/big.bin"
launch a "$binary_a"
pid_a=$!
launch b "$binary_b"
pid_b=$!
url_a=$(versions_url a)
url_b=$(versions_url b)
ticks=$(getconf CLK_TCK)
echo "A = $binary_a, B = $binary_b, ${upload_mib} MiB, data under ${DATA_BASE:-/var/tmp}"
for round in $(seq "${ROUNDS:-3}"); do
  sync
  dd_start=$(date +%s.%N)
  dd if="$work/big.bin" of="$work/dd.out" bs=1M conv=fsync status=none
  dd_end=$(date +%s.%N)
  rm -f "$work/dd.out"
  sync
  cpu_a=$(cpu_ticks "$pid_a")
  seconds_a=$(upload "$url_a" "$round")
  cpu_a=$(($(cpu_ticks "$pid_a") - cpu_a))
  rm -rf "$work/a/artifacts/mlops-models/models"
  sync
  cpu_b=$(cpu_ticks "$pid_b")
  seconds_b=$(upload "$url_b" "$round")
  cpu_b=$(($(cpu_ticks "$pid_b") - cpu_b))
  rm -rf "$work/b/artifacts/mlops-models/models"
  awk -v b="$bytes" -v d0="$dd_start" -v d1="$dd_end" -v sa="$seconds_a" -v sb="$seconds_b" \
    -v ca="$cpu_a" -v cb="$cpu_b" -v t="$ticks" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
      d = d1 - d0
      printf "round: load %s; dd %.0f MB/s; A %.0f MB/s (%.2f of dd, cpu %.2f s); B %.0f MB/s (%.2f of dd, cpu %.2f s)\n",
        load, b / d / 1e6, b / sa / 1e6, d / sa, ca / t, b / sb / 1e6, d / sb, cb / t }'
done
echo "peak RSS (VmHWM): A $(awk '/VmHWM/{print int($2 / 1024)}' "/proc/$pid_a/status") MiB," \
  "B $(awk '/VmHWM/{print int($2 / 1024)}' "/proc/$pid_b/status") MiB"
