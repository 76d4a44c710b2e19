#!/usr/bin/env bash
# Runs every CTest test of the build in $1 and prints a one-line summary CI can read.
set -uo pipefail
build_dir=${1:-build}
ctest --test-dir "$build_dir" --output-on-failure --timeout 300 -j "$(nproc)"
