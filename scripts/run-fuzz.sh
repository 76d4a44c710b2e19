#!/usr/bin/env bash
# Runs each fuzz target built in $1 for $2 seconds, keeping its corpus under fuzz-corpus/<target>.
set -euo pipefail
build_dir=$1
seconds=$2
for target in "$build_dir"/*_fuzz; do
  name=$(basename "$target")
  corpus=fuzz-corpus/$name
  mkdir -p "$corpus"
  seeds=fuzz/seeds/${name%_fuzz}
  [ -d "$seeds" ] || seeds=
  echo "fuzz: $name for ${seconds}s" >&2
  "$target" -max_total_time="$seconds" -print_final_stats=1 "$corpus" $seeds
done
