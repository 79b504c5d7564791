# SPDX-License-Identifier: GPL-3.0-or-later
# `make run`  — the main job (installs what is missing, builds, runs every paper's quick
#               reproduction and writes the report to report/index.md).
# `make test` — the layering check, the docs with zero DocC warnings (`make docs`), the test
#               suite (installs what is missing, builds, tests), then ASan on the
#               NumPyIO and GSLBridge tests, a short fuzz of the input readers, and last the
#               MPI tests (Tests/mpi/run.sh: 1, 2 and 4 ranks through scripts/mpirun.sh).
# `make fuzz` — each libFuzzer harness of Fuzz/ for FUZZ_SECONDS (default 60 s).
# `make sanitize` — the whole suite under ASan (+LeakSanitizer) and TSan, UBSan on the C kernels.
SWIFT ?= swift
FUZZ_SECONDS ?= 60
# Seconds per harness in `make test` (three harnesses).
TEST_FUZZ_SECONDS ?= 25
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan-suppressions.txt
TSAN_ENV = TSAN_OPTIONS=halt_on_error=1

.PHONY: run test deps build bench doctor clean docs fuzz fuzz-build sanitize asan-build test-asan-io

deps:
	@bash scripts/ensure-deps.sh

build: deps
	$(SWIFT) build -c release --product resode

run: build
	.build/release/resode report --quick --out report
	@echo "Report written to report/index.md"

doctor: build
	.build/release/resode doctor

test: deps
	bash scripts/test-check-layering.sh
	$(MAKE) docs
	$(SWIFT) test
	$(MAKE) test-asan-io
	$(MAKE) fuzz FUZZ_SECONDS=$(TEST_FUZZ_SECONDS)
	bash Tests/mpi/run.sh  # last: its closing line "N passed, N failed" is the run's summary

asan-build: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan

test-asan-io: asan-build
	$(ASAN_ENV) $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan --filter 'NumPyIOTests|GSLBridgeTests'

fuzz-build: deps
	$(SWIFT) build --package-path Fuzz --scratch-path .build-fuzz --sanitize=fuzzer --sanitize=address

fuzz: fuzz-build
	bash Fuzz/run.sh $(FUZZ_SECONDS)

sanitize: asan-build
	$(ASAN_ENV) $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	$(TSAN_ENV) $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan
	bash scripts/ubsan-kernels.sh

bench: deps
	$(SWIFT) build -c release --product resode-bench
	.build/release/resode-bench $(if $(wildcard /opt/peers/bin/python),--peers /opt/peers/bin/python) --json Benchmarks/results.jsonl

# Every Swift snippet of README.md and the articles must be run by a test (the check and its self-test),
# then DocC for the umbrella and every library module, combined into one static site in docs/
# (built in .build-docs, then moved into place whole). Any DocC warning fails the build.
DOC_TARGETS = ResODE TensorCore NetworkLayers RungeKuttaMethods NumPyIO GSLBridge Training ResidualNets ContinuousDepth DepthAnalysis Experiments
docs: deps
	bash scripts/test-check-doc-snippets.sh
	rm -rf .build-docs/site
	mkdir -p .build-docs
	$(SWIFT) package --allow-writing-to-directory .build-docs/site generate-documentation \
		$(foreach t,$(DOC_TARGETS),--target $(t)) --enable-experimental-combined-documentation \
		--output-path .build-docs/site --transform-for-static-hosting --warnings-as-errors
	rm -rf docs && mv .build-docs/site docs
	@echo "Documentation written to docs/ (open docs/documentation/resode/index.html through a web server)"

clean:
	rm -rf .build .build-asan .build-tsan .build-fuzz
