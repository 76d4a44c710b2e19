# Multi-stage image of the mlops service. No Docker engine runs on our build machines, so this
# file is kept correct by reading (README, "Container image"); the stages mirror `make build`.

# --- build: the project's own dependency script, then a Release build without tests ---
FROM debian:12 AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/
COPY third_party/onnxruntime/package.json third_party/onnxruntime/package-lock.json third_party/onnxruntime/
RUN apt-get update -qq && scripts/install-deps.sh
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DMLOPS_BUILD_TESTS=OFF -DMLOPS_BUILD_BENCH=OFF \
 && cmake --build build --target mlops mlops_torch_runtime \
 && strip build/mlops build/mlops_torch_runtime.so

# --- runtime: the binary, its shared libraries and nothing else, as an unprivileged user ---
FROM debian:12-slim
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      ca-certificates curl libboost-system1.74.0 libsqlite3-0 libssl3 libcurl4 libspdlog1.10 libfmt9 \
      libpq5 zlib1g libyara9 libarchive13 libprotobuf32 libonnx1 libtorch1.13 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /var/lib/mlops --create-home mlops
COPY --from=build /src/build/mlops /usr/local/bin/mlops
# The TorchScript runtime and ONNX Runtime (the pinned prebuilt library scripts/install-deps.sh
# put under third_party/onnxruntime; it needs only glibc and libstdc++) are loaded from beside the
# binary on first use.
COPY --from=build /src/build/mlops_torch_runtime.so /usr/local/bin/mlops_torch_runtime.so
COPY --from=build \
  /src/third_party/onnxruntime/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1 \
  /usr/local/bin/libonnxruntime.so.1
COPY entrypoint.sh /usr/local/bin/entrypoint.sh
USER mlops
WORKDIR /var/lib/mlops
# Embedded defaults keep their data here; production sets DATABASE_URL and MINIO_ENDPOINT.
ENV MLOPS_DATA_DIR=/var/lib/mlops/data SERVICE_HOST=0.0.0.0 SERVICE_PORT=8000
VOLUME ["/var/lib/mlops/data"]
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD ["curl", "-fsS", "http://127.0.0.1:8000/health/ready"]
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
