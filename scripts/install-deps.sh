#!/usr/bin/env bash
# Installs the Debian packages mlops needs to build, test and benchmark. Idempotent: installs only what is
# missing, and only from Debian's apt repositories.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git curl jq
  libboost1.74-dev libboost-system1.74-dev
  libsqlite3-dev sqlite3
  libpq-dev postgresql-15
  nlohmann-json3-dev libssl-dev libcurl4-openssl-dev
  libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  zlib1g-dev libyara-dev
  wrk clang libclang-rt-14-dev
  # the model runtime (libtorch-dev is optional: MLOPS_WITH_TORCH); the corpus generators'
  # python3-onnx python3-torch are not needed by the tests (tests/corpus/README.md)
  libopencv-dev libonnx-dev libprotobuf-dev libarchive-dev libtorch-dev
  awscli
)
# The S3 test server (npm s3rver) needs Node.js and npm; a Node.js from elsewhere (e.g.
# NodeSource, which bundles npm) is kept rather than fought over.
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
