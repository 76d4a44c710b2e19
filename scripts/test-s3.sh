#!/usr/bin/env bash
# A throwaway S3 server (npm s3rver) for the tests, on 127.0.0.1 and a free port.
#   test-s3.sh start   installs s3rver into .deps/ once, starts it, prints its endpoint
#   test-s3.sh stop    stops it and removes its data; does nothing if it is not running
# State (pid, data, log) lives in $MLOPS_S3_STATE_DIR (default .deps/s3rver-run), so several
# servers can run side by side. s3rver accepts any credentials (it checks no signatures); the
# tests use its documented default pair, S3RVER / S3RVER.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
prefix="$repo/.deps/s3rver"
state=${MLOPS_S3_STATE_DIR:-$repo/.deps/s3rver-run}
version=3.7.1

install() {
  [ -x "$prefix/node_modules/.bin/s3rver" ] && return
  command -v npm >/dev/null || { echo "test-s3: npm is missing; run scripts/install-deps.sh" >&2; exit 1; }
  npm install --prefix "$prefix" --no-audit --no-fund --silent "s3rver@$version" >&2
}

start() {
  install
  if [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null; then
    cat "$state/endpoint"
    return
  fi
  mkdir -p "$state/data"
  # Port 0: s3rver picks a free port and names it in its first log line.
  "$prefix/node_modules/.bin/s3rver" --address 127.0.0.1 --port 0 --directory "$state/data" \
    >"$state/log" 2>&1 &
  echo $! >"$state/pid"
  for _ in $(seq 100); do
    port=$(sed -n 's/^S3rver listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$state/log")
    if [ -n "$port" ] && curl -s -o /dev/null "http://127.0.0.1:$port/"; then
      echo "http://127.0.0.1:$port" | tee "$state/endpoint"
      return
    fi
    kill -0 "$(cat "$state/pid")" 2>/dev/null || break
    sleep 0.1
  done
  echo "test-s3: s3rver did not start; its log:" >&2
  cat "$state/log" >&2
  stop
  exit 1
}

stop() {
  if [ -f "$state/pid" ]; then
    pid=$(cat "$state/pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$state"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
