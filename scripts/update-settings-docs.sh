#!/usr/bin/env bash
# Regenerates the documents of the settings table (src/config/settings.cc) with the binary built
# in $1: .env.example, and the README's tables between the settings:begin/end markers.
# settings_docs_test fails while either is out of date.
set -euo pipefail
build_dir=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
mlops="$build_dir/mlops"

"$mlops" config env-example > "$root/.env.example.tmp"
mv "$root/.env.example.tmp" "$root/.env.example"

"$mlops" config markdown > "$root/README.md.settings.tmp"
if [ "$(grep -c '^<!-- settings:begin' "$root/README.md")" != 1 ] ||
   [ "$(grep -c '^<!-- settings:end -->' "$root/README.md")" != 1 ]; then
  echo "README.md must hold one settings:begin and one settings:end marker line" >&2
  rm -f "$root/README.md.settings.tmp"
  exit 1
fi
# Everything before the begin marker, the new tables (markers included), everything after the end.
awk -v tables="$root/README.md.settings.tmp" '
  /^<!-- settings:begin/ { while ((getline line < tables) > 0) print line; skip = 1; next }
  /^<!-- settings:end -->/ { skip = 0; next }
  !skip { print }
' "$root/README.md" > "$root/README.md.tmp"
rm "$root/README.md.settings.tmp"
mv "$root/README.md.tmp" "$root/README.md"
echo "updated .env.example and the settings tables of README.md"
