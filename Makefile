# Thin wrapper around CMake: the two commands of the README, and a few helpers.
MAKEFLAGS += --no-print-directory
BUILD      ?= build
ASAN_BUILD ?= build/asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build asan test demo clean

all: build

deps:
	@bash .ci/deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DBAOXUE_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

# Every test in the normal build, then again under ASan + UBSan (the unit
# suites, and the integration suite against an ASan baoxued).
test: build asan
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

demo: build
	@sh examples/demo/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
