#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# MPI scale-out measurements (Benchmarks/README.md, "Scale-out on MPI"), interleaved rounds:
#   1. sweep throughput, 1 vs 2 ranks, on a grid whose runs differ in cost by ~100×
#   2. `resode report --quick` wall time, 1 vs 2 ranks
#   3. data-parallel training step time, P = 1 vs 2, W1-sized (64 blocks, width 32, hidden 64,
#      batch 256), and the share of the gradient reduction (metrics column reduction_seconds)
# Usage (from the package root): bash Benchmarks/mpi/bench.sh [rounds] [what: sweep report train]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
what=${2:-"sweep report train"}
[ -n "${SKIP_BUILD:-}" ] || swift build -c release --product resode >/dev/null 2>&1
resode=$(realpath .build/release/resode)
mpirun_sh=$(realpath scripts/mpirun.sh)
work=$(mktemp -d /tmp/resode-mpi-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
launch() {  # ranks, then the resode arguments; the job's CPU seconds (user + system, all ranks) go to $work/cpu
    local p=$1; shift
    if [ "$p" = 1 ]; then /usr/bin/time -f "%U %S" -o "$work/cpu.raw" "$resode" "$@"
    else /usr/bin/time -f "%U %S" -o "$work/cpu.raw" "$mpirun_sh" -np "$p" "$resode" "$@"; fi
    local status=$?
    awk '{ printf "%.2f", $1 + $2 }' "$work/cpu.raw" >"$work/cpu"
    return $status
}
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ " $what " == *" sweep "* ]]; then
    # 16 runs: 4 seeds × depth 16, 2 × epochs 96, 8 (cost ratio ~100×, the expensive ones listed first),
    # ~30 CPU seconds in all, so the fixed start-up of a second rank (~0.2 CPU s) is < 1 %, and four
    # equal long runs divide evenly over 2 ranks. Each epoch is ~0.07 s of compute at depth 16, so the
    # metrics files' fsync per epoch (~6 ms each here) stays small; an earlier grid of 120-sample runs
    # was fsync-bound (see README).
    cat >"$work/grid.json" <<'JSON'
{"runs": [{"command": "train", "options": {"dataset": "moons", "samples": 2000, "dim": 32, "hidden": 64},
           "axes": {"depth": [16, 2], "epochs": [96, 8], "seed": [1, 2, 3, 4]}}]}
JSON
    for r in $(seq 1 "$rounds"); do
        for p in 1 2; do
            rm -rf "$work/sweep"
            t0=$(now); launch $p sweep --grid "$work/grid.json" --out "$work/sweep" >/dev/null 2>"$work/sweep.log" || true
            t1=$(now)
            echo "sweep round $r ranks $p seconds $(echo "$t1 - $t0" | bc -l | cut -c1-6) cpu-seconds $(cat "$work/cpu") run-seconds $(tail -n +2 "$work/sweep/timing.csv" | cut -d, -f4 | paste -sd+ | bc -l | cut -c1-6)"
        done
    done
fi

if [[ " $what " == *" report "* ]]; then
    for r in $(seq 1 "$rounds"); do
        for p in 1 2; do
            t0=$(now); launch $p report --quick --out "$work/report" >/dev/null 2>&1 || true; t1=$(now)
            echo "report-quick round $r ranks $p seconds $(echo "$t1 - $t0" | bc -l | cut -c1-6) cpu-seconds $(cat "$work/cpu")"
        done
    done
fi

if [[ " $what " == *" train "* ]]; then
    # W1-sized: 1088 training samples of 32-d nested spheres = 4 full batches of 256 + one of 64.
    args=(train --dataset spheres --sphere-dimension 32 --samples 1152 --test-fraction 0.0556 --depth 64 --hidden 64
          --batch-size 256 --epochs 3 --blocks-per-batch 8 --schedule constant)
    for r in $(seq 1 "$rounds"); do
        for p in 1 2; do
            rm -rf "$work/train"
            launch $p "${args[@]}" --out "$work/train" >/dev/null 2>&1
            # metrics.csv: the mean per-batch reduction seconds and the epoch seconds, epochs 2 and 3 (1 warms up)
            python3 - "$work/train/metrics.csv" "$p" "$r" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))[1:]
batches = 5
epoch = sum(float(r["seconds"]) for r in rows) / len(rows)
reduction = sum(float(r["reduction_seconds"]) for r in rows) / len(rows)
print(f"train-W1 round {sys.argv[3]} ranks {sys.argv[2]} epoch-seconds {epoch:.4f} step-seconds {epoch / batches:.4f} "
      f"reduction-seconds-per-step {reduction:.5f} reduction-share {reduction * batches / epoch:.3f}")
PY
        done
    done
fi
