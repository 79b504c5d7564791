#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs each libFuzzer harness of Fuzz/ for SECONDS seconds (default 60):
#   Fuzz/run.sh [SECONDS] [TARGET…]        targets: npy npz spec (default: all three)
# Expects `make fuzz-build` to have built .build-fuzz/debug/fuzz-<target>.
# The committed seeds in Fuzz/Corpus/<target> are read only; new inputs go to
# .build-fuzz/corpus/<target>, crashes and slow or memory-hungry inputs to
# .build-fuzz/findings/. Exits non-zero at the first finding.
#
# Limits: an input may take 10 s (-timeout), the process 2 GiB RSS with ASan's shadow
# memory and quarantine (-rss_limit_mb), and no single allocation may exceed 256 MiB
# (-malloc_limit_mb): the harnesses read with a 64 MiB NumPyReadLimits budget, so any
# larger allocation is a budget that failed to hold.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(npy npz spec)

declare -A max_length=([npy]=4096 [npz]=65536 [spec]=2048)
mkdir -p .build-fuzz/findings
for target in "${targets[@]}"; do
    binary=".build-fuzz/debug/fuzz-$target"
    [ -x "$binary" ] || { echo "missing $binary: run 'make fuzz-build' first" >&2; exit 2; }
    corpus=".build-fuzz/corpus/$target"
    mkdir -p "$corpus"
    echo "fuzz-$target: ${seconds} s"
    log=".build-fuzz/findings/$target.log"
    set +e
    ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=0" \
    LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt" \
        "$binary" "$corpus" "Fuzz/Corpus/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256 \
        -max_len="${max_length[$target]}" -print_final_stats=1 \
        -artifact_prefix=".build-fuzz/findings/$target-" > "$log" 2>&1
    status=$?
    set -e
    grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|Fatal error)' "$log" || true
    if [ "$status" -ne 0 ]; then
        tail -40 "$log" >&2
        echo "fuzz-$target: finding (exit $status); inputs in .build-fuzz/findings/, log $log" >&2
        exit "$status"
    fi
done
