# Thin wrapper around CMake: the two commands of the README, and a few helpers.
MAKEFLAGS += --no-print-directory
BUILD      ?= build
ASAN_BUILD ?= build/asan
FUZZ_BUILD ?= build/fuzz
FUZZ_SECONDS ?= 60
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build asan test fuzz bench demo clean

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
# suites, and the integration suite against an ASan baoxued), then the
# fuzzers for FUZZ_SECONDS each on a copy of their seed corpus.
test: build asan
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)
	@$(MAKE) fuzz

fuzz: deps
	@if command -v clang >/dev/null; then \
		cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang \
		    -DCMAKE_BUILD_TYPE=Debug -DBAOXUE_FUZZ=ON >/dev/null && \
		cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_command && \
		rm -rf $(FUZZ_BUILD)/corpus && mkdir -p $(FUZZ_BUILD)/corpus && \
		cp tests/fuzz/corpus/command/* $(FUZZ_BUILD)/corpus/ && \
		$(FUZZ_BUILD)/tests/fuzz/fuzz_command -max_total_time=$(FUZZ_SECONDS) \
		    -max_len=8192 -print_final_stats=1 $(FUZZ_BUILD)/corpus; \
	else \
		echo "fuzz: clang not found, fuzzers skipped"; \
	fi

bench: build
	$(BUILD)/bench/bench_parse bench/corpus.txt

demo: build
	@sh examples/demo/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
