# SPDX-License-Identifier: GPL-3.0-or-later
# `make run`  — the main job (installs what is missing, builds, runs every paper's quick
#               reproduction and writes the report to report/index.md).
# `make test` — the test suite (installs what is missing, builds, tests), then the MPI tests
#               (Tests/mpi/run.sh: 1, 2 and 4 ranks through scripts/mpirun.sh).
SWIFT ?= swift

.PHONY: run test deps build bench doctor clean

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
	$(SWIFT) test
	bash Tests/mpi/run.sh

bench: deps
	$(SWIFT) build -c release --product resode-bench
	.build/release/resode-bench $(if $(wildcard /opt/peers/bin/python),--peers /opt/peers/bin/python) --json Benchmarks/results.jsonl

clean:
	rm -rf .build
