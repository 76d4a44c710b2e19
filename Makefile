# Front door. `make run` and `make test` install what is missing from Debian's apt first.
BUILD_DIR ?= build
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS ?= $(shell nproc)

.PHONY: deps build run run-scaled test fuzz bench settings-docs clean

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/mlops serve

# PostgreSQL + S3 + the service, all throwaway (scripts/run-scaled.sh; REPLICAS=2 for two).
run-scaled: build
	scripts/run-scaled.sh $(BUILD_DIR)

test: build
	scripts/run-tests.sh $(BUILD_DIR)

# Fuzz targets are built with clang and libFuzzer; each runs for FUZZ_SECONDS. The compiler is
# set on the command line, not through CXX, which CMake ignores once a build dir is configured.
fuzz: deps
	cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
	  -DMLOPS_BUILD_FUZZ=ON -DMLOPS_BUILD_TESTS=OFF -DMLOPS_BUILD_BENCH=OFF
	cmake --build $(FUZZ_DIR) -j $(JOBS)
	scripts/run-fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

bench: build
	bench/run.sh $(BUILD_DIR)

# .env.example and the README's settings tables, from the table in src/config/settings.cc.
settings-docs: build
	scripts/update-settings-docs.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_DIR)
