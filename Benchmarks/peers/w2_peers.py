# SPDX-License-Identifier: GPL-3.0-or-later
"""W2 node-spiral forward solves in torchdiffeq, diffrax, SciPy and C/GSL, for resode-bench.

f(x) = tanh(x³·W1ᵀ + b1)·W2ᵀ + b2 (x³ elementwise, dim 2, hidden 50); the 20
initial states are one system of 40 equations (one step size, one error norm
over all components) on t ∈ [0, 25], saved at the 1000 times of w2_ts.npy,
rtol 1e-7, atol 1e-9 unless --rtol/--atol say otherwise.

Implementations (--impl):
  torchdiffeq    odeint(method="dopri5") under no_grad, nn.Linear layers
  diffrax        Dopri5 + PIDController + SaveAt(ts), jit-compiled ahead of time
                 (compile_s apart); rtol and atol are arguments of the compiled
                 program, so a sweep compiles once
  scipy-DOP853   solve_ivp(method="DOP853", t_eval=ts), NumPy right-hand side
  scipy-RK45     solve_ivp(method="RK45", t_eval=ts)
  reference      SciPy DOP853 at rtol = atol = 1e-13
  c-gsl          the C program ../c-baseline/w2_gsl (built by resode-bench), with
                 the GSL step type named by --workload (W2-rkf45 → rkf45, …),
                 the same first step (1e-3), plain loops and libm's tanh
  c-gsl-vtanh    the same with ResODE's own vectorised tanh kernel
  c-gsl-blas-vtanh  the right-hand side exactly as ResODE computes it: the bias
                 copied into the output rows, two cblas_dgemm calls (β = 1) and
                 ResODE's vectorised tanh, so that only ResODE's Swift layers differ
Measures: fwd (time one solve: median over --runs after --warmup), sweep (each
of --rtols with atol = rtol·1e-2: time, NFE and the error against --reference).
NFE counts evaluations of the batched field: a counter in torch's forward, a
jax.debug.callback in a second, untimed compiled copy for diffrax, nfev for SciPy.
Prints one JSON line; --save-outputs writes the outputs [1000, 20, 2] of the last solve.
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from single_thread import add_run_arguments, emit, median_time, use_one_thread  # noqa: E402  (numpy-free)

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--impl", required=True,
                    choices=["torchdiffeq", "diffrax", "scipy-DOP853", "scipy-RK45", "reference", "c-gsl",
                             "c-gsl-vtanh", "c-gsl-blas-vtanh"])
parser.add_argument("--measure", default="fwd", choices=["fwd", "sweep"])
parser.add_argument("--workload", default="W2")
add_run_arguments(parser)
parser.add_argument("--rtol", type=float, default=1e-7)
parser.add_argument("--atol", type=float, default=1e-9)
parser.add_argument("--rtols", default="1e-3,1e-4,1e-5,1e-6,1e-7,1e-8,1e-9,1e-10")
parser.add_argument("--reference", default="", help="reference outputs [1000, 20, 2] (.npy) for the sweep's errors")
parser.add_argument("--save-outputs", default="")
args = parser.parse_args()

from torch_fields import counting_field  # noqa: E402

use_one_thread(args.cpu)


if args.impl.startswith("c-gsl"):
    step = args.workload.partition("-")[2]
    if not step:
        emit({"median_s": None, "min_s": None, "skipped": "c-gsl needs a GSL workload such as W2-rkf45"})
        sys.exit(0)
    binary = os.path.join(here, "..", "c-baseline", "w2_gsl")
    if not os.path.exists(binary):
        sys.exit(f"{binary} is missing: run make -C Benchmarks/c-baseline (resode-bench does)")
    command = [binary, "--data", args.data, "--step", step, "--rtol", repr(args.rtol), "--atol", repr(args.atol),
               "--h0", "1e-3", "--runs", str(args.runs), "--warmup", str(args.warmup),
               "--tanh", "vector" if args.impl.endswith("vtanh") else "libm",
               "--rhs", "blas" if args.impl == "c-gsl-blas-vtanh" else "loops"]
    if args.save_outputs:
        command += ["--save", args.save_outputs]
    os.execv(binary, command)  # same pinned CPU, same environment; it prints the JSON line

import numpy as np  # noqa: E402

W1, b1, W2, b2, X0, TS = (np.load(os.path.join(args.data, f"w2_{name}.npy"))
                          for name in ("W1", "b1", "W2", "b2", "x0", "ts"))
T1 = float(TS[-1])


def make_solver(impl):
    """Returns solve(rtol, atol) -> (outputs [T, B, 2], info dict), and extra fields."""
    if impl in ("scipy-DOP853", "scipy-RK45", "reference"):
        from scipy.integrate import solve_ivp
        method = "DOP853" if impl != "scipy-RK45" else "RK45"

        def rhs(t, y):
            x = y.reshape(-1, 2)
            return (np.tanh((x * x * x) @ W1.T + b1) @ W2.T + b2).ravel()

        def solve(rtol, atol):
            s = solve_ivp(rhs, (0.0, T1), X0.ravel(), method=method, t_eval=TS, rtol=rtol, atol=atol)
            if not s.success:
                raise RuntimeError(s.message)
            return s.y.T.reshape(len(TS), -1, 2), {"nfe": int(s.nfev)}
        return solve, {}

    if impl == "torchdiffeq":
        import torch
        import torchdiffeq
        torch.set_num_threads(1)
        torch.set_default_dtype(torch.float64)

        field, x0, ts = counting_field(torch, W1, b1, W2, b2, cube=True), torch.from_numpy(X0.copy()), torch.from_numpy(TS.copy())

        def solve(rtol, atol):
            field.calls = 0
            with torch.no_grad():
                ys = torchdiffeq.odeint(field, x0, ts, method="dopri5", rtol=rtol, atol=atol)
            return ys.numpy(), {"nfe": field.calls}
        return solve, {}

    import time
    import jax
    jax.config.update("jax_enable_x64", True)
    import diffrax
    import jax.numpy as jnp
    parameters = tuple(jnp.asarray(a) for a in (W1, b1, W2, b2))
    x0, ts = jnp.asarray(X0), jnp.asarray(TS)
    calls = [0]

    def count():
        calls[0] += 1

    def program(counting):
        def field(t, x, p):
            if counting:
                jax.debug.callback(count)
            return jnp.tanh((x * x * x) @ p[0].T + p[1]) @ p[2].T + p[3]

        def run(p, rtol, atol):
            solution = diffrax.diffeqsolve(
                diffrax.ODETerm(field), diffrax.Dopri5(), t0=0.0, t1=T1, dt0=None, y0=x0, args=p,
                saveat=diffrax.SaveAt(ts=ts), stepsize_controller=diffrax.PIDController(rtol=rtol, atol=atol),
                max_steps=1_000_000)
            return solution.ys, solution.stats["num_steps"], solution.stats["num_rejected_steps"]
        return jax.jit(run).lower(parameters, 1e-7, 1e-9)

    start = time.perf_counter()
    compiled = program(False).compile()
    compile_s = time.perf_counter() - start
    counted = program(True).compile()

    def solve(rtol, atol):
        ys, steps, rejected = jax.block_until_ready(compiled(parameters, rtol, atol))
        return np.asarray(ys), {"steps": int(steps), "rejected_steps": int(rejected)}

    def with_count(rtol, atol):
        calls[0] = 0
        jax.block_until_ready(counted(parameters, rtol, atol))
        return calls[0]
    return solve, {"compile_s": compile_s, "count": with_count}


solve, extra = make_solver(args.impl)
count = extra.pop("count", None)


def errors(ys, reference):
    return float(np.abs(ys[-1] - reference[-1]).max()), float(np.abs(ys - reference).max())


if args.measure == "fwd":
    rtol, atol = (1e-13, 1e-13) if args.impl == "reference" else (args.rtol, args.atol)
    timing = median_time(lambda: solve(rtol, atol), args.runs, args.warmup)
    ys, info = timing.pop("result")
    if count is not None:
        info["nfe"] = count(rtol, atol)
    if args.save_outputs:
        np.save(args.save_outputs, ys)
    emit({**timing, **info, **extra, "impl": args.impl, "rtol": rtol, "atol": atol})
else:
    reference = np.load(args.reference)
    rows = {"rtols": [], "median_s": [], "median_cpu_s": [], "nfe": [], "error": [], "error_all": []}
    for rtol in (float(r) for r in args.rtols.split(",")):
        timing = median_time(lambda: solve(rtol, rtol * 1e-2), args.runs, args.warmup)
        ys, info = timing["result"]
        final, everywhere = errors(ys, reference)
        nfe = count(rtol, rtol * 1e-2) if count is not None else info["nfe"]
        for key, value in (("rtols", rtol), ("median_s", timing["median_s"]), ("median_cpu_s", timing["median_cpu_s"]),
                           ("nfe", nfe), ("error", final), ("error_all", everywhere)):
            rows[key].append(value)
    emit({**rows, **extra, "impl": args.impl, "median_s": None, "min_s": None})
