# Thin wrapper around CMake: the two commands of the README, and a few helpers.
MAKEFLAGS += --no-print-directory
BUILD      ?= build
ASAN_BUILD ?= build/asan
TSAN_BUILD ?= build/tsan
RELEASE_BUILD ?= build/release
FUZZ_BUILD ?= build/fuzz
FUZZ_SECONDS ?= 60
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build asan tsan release test fuzz bench bench-load \
	bench-targets bench-digest bench-dlr bench-send bench-apply bench-instr \
	bench-retention \
	demo clean

all: build

deps:
	@bash .ci/deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DBAOXUE_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

tsan: deps
	@cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DBAOXUE_TSAN=ON >/dev/null
	@cmake --build $(TSAN_BUILD) -j $(JOBS)

# -O3: GCC warns of things there (maybe-uninitialized, format-truncation)
# that -O2 does not see, and warnings are errors. Built, not run.
release: deps
	@cmake -S . -B $(RELEASE_BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(RELEASE_BUILD) -j $(JOBS)

# The Release build compiled first (warnings only -O3 shows). Then every
# test in the normal build, then again under ASan + UBSan and under
# ThreadSanitizer (the unit suites, and the integration suites against a
# baoxued built the same way; a report fails the suite), then the fuzzers
# for FUZZ_SECONDS each on a copy of their seed corpus.
TSAN_OPTIONS_CI = suppressions=$(CURDIR)/tests/tsan.supp halt_on_error=1 exitcode=66
test: build release asan tsan
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)
	TSAN_OPTIONS="$(TSAN_OPTIONS_CI)" ctest --test-dir $(TSAN_BUILD) \
	    --output-on-failure -j $(JOBS)
	@$(MAKE) fuzz

# Each fuzzer on a copy of its seed corpus: the command parser for
# FUZZ_SECONDS; the PDU decoder, the AT line classifier, the modem's AT
# conversation, the roster's encoding and CSV reader, and the webhooks'
# form bodies for half that.
FUZZ_HALF = $(shell expr $(FUZZ_SECONDS) / 2)
FUZZERS = command:$(FUZZ_SECONDS) sms_pdu:$(FUZZ_HALF) at:$(FUZZ_HALF) \
	modem:$(FUZZ_HALF) roster:$(FUZZ_HALF) form:$(FUZZ_HALF)

fuzz: deps
	@if command -v clang >/dev/null; then \
		cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang \
		    -DCMAKE_BUILD_TYPE=Debug -DBAOXUE_FUZZ=ON >/dev/null && \
		cmake --build $(FUZZ_BUILD) -j $(JOBS) && \
		for f in $(FUZZERS); do \
			name=$${f%%:*}; secs=$${f##*:}; \
			rm -rf $(FUZZ_BUILD)/corpus-$$name && \
			mkdir -p $(FUZZ_BUILD)/corpus-$$name && \
			cp tests/fuzz/corpus/$$name/* $(FUZZ_BUILD)/corpus-$$name/ && \
			$(FUZZ_BUILD)/tests/fuzz/fuzz_$$name -max_total_time=$$secs \
			    -max_len=8192 -print_final_stats=1 \
			    $(FUZZ_BUILD)/corpus-$$name || exit 1; \
		done; \
	else \
		echo "fuzz: clang not found, fuzzers skipped"; \
	fi

bench: build
	$(BUILD)/bench/bench_parse bench/corpus.txt
	$(BUILD)/bench/bench_smslen templates/zh-CN/*.txt
	$(BUILD)/bench/bench_review

# The daemon under load on loopback (about two minutes; see README).
bench-load: build
	bench/load.sh $(BUILD)

# The issue's three targets (about two minutes; see README): 100,000
# messages as fast as the daemon answers over 128 connections, then 5,000
# msg/s for 10 s; then, on a fresh county, 10,000 msg/s offered for 30 s
# (1,024 connections: 128, each with one request on the wire, carry
# fewer than 10,000 a second once a request takes 13 ms); the daemon's
# peak RSS after each.
bench-targets: build
	COUNT=100000 CONNS=128 RATE=5000 SECS=10 bench/load.sh $(BUILD)
	COUNT=2000 CONNS=1024 RATE=10000 SECS=30 bench/load.sh $(BUILD)

# The weekly digest falling due under 1,000 msg/s: how long the answers
# waited meanwhile (two to three minutes; see README).
bench-digest: build
	bench/digest.sh $(BUILD)

# Delivery reports, as a provider sends one for each SMS it took (under a
# minute; see README).
bench-dlr: build
	bench/dlr.sh $(BUILD)

# The queue drained through an HTTP provider (the tests' fake one) on
# loopback (under a minute; see README).
bench-send: build
	bench/send.sh $(BUILD)

# The writer alone: the pipeline's group commit without HTTP (see README).
bench-apply: build
	bench/apply.sh $(BUILD)

# The retention pass over a grown database whose words are all old.
bench-retention: build
	bench/retention.sh $(BUILD)

# The writer's instructions per message, counted by valgrind: compares two
# builds where times are too noisy to (under a minute; see README).
bench-instr: build
	bench/instr.sh $(BUILD)

demo: build
	@sh examples/demo/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
