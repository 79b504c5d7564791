# SPDX-License-Identifier: GPL-3.0-or-later
# `make run`  — the main job (installs what is missing, builds, runs every paper's quick
#               reproduction and writes the report to report/index.md).
# `make test` — the test suite (installs what is missing, builds, tests).
SWIFT ?= swift

.PHONY: run test deps build bench doctor clean docs

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
	$(SWIFT) test

bench: deps
	$(SWIFT) build -c release --product resode-bench
	.build/release/resode-bench $(if $(wildcard /opt/peers/bin/python),--peers /opt/peers/bin/python) --json Benchmarks/results.jsonl

# DocC for the umbrella and every library module, combined into one static site in docs/
# (built in .build-docs, then moved into place whole). Any DocC warning fails the build.
DOC_TARGETS = ResODE TensorCore NumPyIO GSLBridge Training ResidualNets ContinuousDepth DepthAnalysis Experiments
docs: deps
	python3 scripts/check-doc-snippets.py
	rm -rf .build-docs/site
	$(SWIFT) package --allow-writing-to-directory .build-docs/site generate-documentation \
		$(foreach t,$(DOC_TARGETS),--target $(t)) --enable-experimental-combined-documentation \
		--output-path .build-docs/site --transform-for-static-hosting --warnings-as-errors
	rm -rf docs && mv .build-docs/site docs
	@echo "Documentation written to docs/ (open docs/documentation/resode/index.html through a web server)"

clean:
	rm -rf .build
