#!/usr/bin/env bash
# Runs each fuzz target built in $1 for $2 seconds, keeping its corpus under fuzz-corpus/<target>
# and any crashing input there too. Seeds come from fuzz/seeds/<target without _fuzz>, if present.
set -euo pipefail
build_dir=$1
seconds=$2
shopt -s nullglob
targets=("$build_dir"/*_fuzz)
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz: no *_fuzz targets in $build_dir" >&2
  exit 1
fi
for target in "${targets[@]}"; do
  name=$(basename "$target")
  corpus=fuzz-corpus/$name
  mkdir -p "$corpus"
  seeds=()
  [ -d "fuzz/seeds/${name%_fuzz}" ] && seeds=("fuzz/seeds/${name%_fuzz}")
  echo "fuzz: $name for ${seconds}s" >&2
  "$target" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$corpus/" \
    "$corpus" "${seeds[@]}"
done
