#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests: fsync off, listening on 127.0.0.1 at a free port,
# its socket in a private directory, a password-protected superuser `mlops`.
#   scripts/test-postgres.sh start DIR   creates and starts a cluster in DIR (which must not exist)
#                                        and prints its admin URL
#   scripts/test-postgres.sh url DIR     prints the admin URL of the cluster in DIR
#   scripts/test-postgres.sh stop DIR    stops the cluster and removes DIR; idempotent
#   scripts/test-postgres.sh halt DIR    stops the server, dropping every connection, keeping DIR
#                                        (a clean stop: with synchronous_commit off, a crash would
#                                        also lose the last commits)
#   scripts/test-postgres.sh resume DIR  starts a halted cluster again on its port
# Runs the server as the `postgres` OS user when started as root (initdb refuses root).
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
command=${1:?usage: test-postgres.sh start|url|stop DIR}
dir=${2:?usage: test-postgres.sh start|url|stop DIR}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

url() {
  echo "postgresql://mlops:$(cat "$dir/password")@127.0.0.1:$(cat "$dir/port")/postgres"
}

run_server() {
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $(cat "$dir/port") -k $dir/socket -c listen_addresses=127.0.0.1 -c fsync=off \
        -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start > /dev/null
}

start() {
  mkdir "$dir"
  mkdir "$dir/socket"
  head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$dir/password"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U mlops --pwfile="$dir/password" --auth=scram-sha-256 \
    --no-locale -E UTF8 --no-sync > "$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; return 1; }
  # Another process may take the port between the probe and the server's bind: retry a few times.
  for _ in 1 2 3 4 5; do
    free_port > "$dir/port"
    if run_server; then
      url
      return 0
    fi
  done
  cat "$dir/server.log" >&2
  return 1
}

stop() {
  [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop > /dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

halt() {
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop > /dev/null
}

resume() {
  run_server || { cat "$dir/server.log" >&2; return 1; }
}

case "$command" in
  start) start ;;
  url) url ;;
  stop) stop ;;
  halt) halt ;;
  resume) resume ;;
  *) echo "test-postgres.sh: unknown command '$command'" >&2; exit 2 ;;
esac
