#!/usr/bin/env bash
# Installs the Debian packages mlops needs to build, test and benchmark. Idempotent: installs only what is
# missing, and only from Debian's apt repositories.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache clang-format pkg-config git curl jq
  libboost1.74-dev libboost-system1.74-dev
  libsqlite3-dev sqlite3
  libpq-dev postgresql-15
  nlohmann-json3-dev libssl-dev libcurl4-openssl-dev
  libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  zlib1g-dev libyara-dev
  wrk clang libclang-rt-14-dev
  # the model runtime (libtorch-dev is optional: MLOPS_WITH_TORCH; ONNX Runtime comes from npm,
  # below); the corpus generators' python3-onnx python3-torch python3-torchvision are not
  # needed by the tests (tests/corpus/README.md)
  libonnx-dev libprotobuf-dev libarchive-dev libtorch-dev
  awscli
)
# The S3 test server (npm s3rver) needs Node.js and npm; a Node.js from elsewhere (e.g.
# NodeSource, which bundles npm) is kept rather than fought over.
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "install-deps: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# ONNX Runtime: Debian 12 has none. The npm package onnxruntime-node ships the official prebuilt
# CPU library (libonnxruntime.so.1, needing only glibc and libstdc++); the version is pinned in
# third_party/onnxruntime/package.json and package-lock.json. Its install script would download
# CUDA libraries from a host these machines cannot reach: ONNXRUNTIME_NODE_INSTALL=skip, and no
# scripts at all. The build links the library beside its binaries (CMakeLists.txt).
ort_dir="$(cd "$(dirname "$0")/.." && pwd)/third_party/onnxruntime"
ort_lib="$ort_dir/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1"
ort_version=$(jq -r '.dependencies["onnxruntime-node"]' "$ort_dir/package.json")
installed_version=$(jq -r '.version // empty' \
  "$ort_dir/node_modules/onnxruntime-node/package.json" 2>/dev/null || true)
if [ ! -f "$ort_lib" ] || [ "$installed_version" != "$ort_version" ]; then
  echo "install-deps: installing onnxruntime-node $ort_version (libonnxruntime.so.1) into $ort_dir" >&2
  ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip \
    npm ci --prefix "$ort_dir" --ignore-scripts --no-audit --no-fund --silent >&2
  [ -f "$ort_lib" ] || { echo "install-deps: $ort_lib is missing after npm ci" >&2; exit 1; }
fi
