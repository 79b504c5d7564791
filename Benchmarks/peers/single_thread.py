# SPDX-License-Identifier: GPL-3.0-or-later
"""One pinned thread for a peer process.

Call `use_one_thread(cpu)` before numpy, torch or jax is imported: their
thread pools read these variables when they start, and XLA sizes its pool
from the affinity mask.
"""
import json
import os
import statistics
import time


def add_run_arguments(parser):
    """The options every peer script takes: --runs, --warmup, --cpu, --data."""
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--cpu", type=int, default=0, help="the one CPU to run on")
    parser.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data"))


def emit(record):
    """The one JSON line a peer prints for resode-bench."""
    print(json.dumps(record), flush=True)


def use_one_thread(cpu=0):
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = "1"
    os.environ["XLA_FLAGS"] = ("--xla_cpu_multi_thread_eigen=false "
                               "intra_op_parallelism_threads=1")
    os.sched_setaffinity(0, {cpu})


def median_time(call, runs, warmup, finish=lambda r: r):
    """Time `call()` over `runs` timed calls after `warmup` untimed ones;
    `finish(result)` runs inside the timed region (JAX dispatches
    asynchronously). Returns a dict of the median and minimum wall time and
    the median process CPU time (s), CPU time over wall time (below 1 when
    another process took the CPU), and the last result."""
    for _ in range(warmup):
        finish(call())
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = finish(call())
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return {"median_s": statistics.median(walls), "min_s": min(walls),
            "median_cpu_s": statistics.median(cpus),
            "cpu_over_wall": round(sum(cpus) / sum(walls), 3), "result": result}
