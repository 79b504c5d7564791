# SPDX-License-Identifier: GPL-3.0-or-later
"""W4 stiff-node-batch in diffrax and SciPy, for resode-bench.

f(x) = −x·K + tanh(x·W1ᵀ + b1)·W2ᵀ + b2 on a batch of 256 states of width 16
(K symmetric positive definite, eigenvalues 1 … 10⁴), t ∈ [0, 1], rtol 1e-6,
atol 1e-8 (inputs: Benchmarks/data/w4_*.npy, written by make_w4_data.py).

Implementations (--impl):
  diffrax-flat   diffrax Kvaerno5 on the flattened batch (a 4 096-vector): its
                 root finder forms and factors the dense 4 096² Jacobian
  diffrax-vmap   diffrax Kvaerno5 under jax.vmap over the samples: 16² Jacobians,
                 and a step size per sample
  scipy-bdf      scipy.integrate.solve_ivp(method="BDF", jac_sparsity=block pattern)
  scipy-radau    scipy.integrate.solve_ivp(method="Radau", jac_sparsity=block pattern)
SciPy forms its Jacobians by finite differences over the 16 column groups the
block pattern allows, and reports nfev, njev and nlu. diffrax programs are
compiled ahead of time (compile_s, not timed); NFE counts calls of the field
with a jax.debug.callback in a second, untimed compiled copy (Jacobian columns
included); diffrax does not report Jacobian evaluations or LU counts.
Prints one JSON line; --save-outputs writes x(1) [256, 16] as .npy.
"""
import argparse
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from single_thread import add_run_arguments, emit, median_time, use_one_thread  # noqa: E402  (numpy-free)

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--impl", required=True, choices=["diffrax-flat", "diffrax-vmap", "scipy-bdf", "scipy-radau"])
parser.add_argument("--measure", default="fwd", choices=["fwd"])
parser.add_argument("--workload", default="W4", choices=["W4"])
add_run_arguments(parser)
parser.add_argument("--rtol", type=float, default=1e-6)
parser.add_argument("--atol", type=float, default=1e-8)
parser.add_argument("--batch", type=int, default=256)
parser.add_argument("--save-outputs", default="")
args = parser.parse_args()

use_one_thread(args.cpu)

import numpy as np  # noqa: E402

K, W1, b1, W2, b2 = (np.load(os.path.join(args.data, f"w4_{name}.npy")) for name in ("K", "W1", "b1", "W2", "b2"))
X0 = np.load(os.path.join(args.data, "w4_x0.npy"))[:args.batch]
B, D = X0.shape
T1 = 1.0


def scipy_program(method):
    import scipy.sparse
    from scipy.integrate import solve_ivp
    pattern = scipy.sparse.block_diag([np.ones((D, D))] * B, format="csr")

    def field(t, y):
        x = y.reshape(B, D)
        return (-x @ K + np.tanh(x @ W1.T + b1) @ W2.T + b2).ravel()

    def run():
        solution = solve_ivp(field, (0.0, T1), X0.ravel(), method=method, rtol=args.rtol, atol=args.atol,
                             jac_sparsity=pattern, t_eval=[T1])
        if not solution.success:
            raise RuntimeError(solution.message)
        return solution.y[:, -1].reshape(B, D), {"nfe": int(solution.nfev), "njev": int(solution.njev),
                                                  "nlu": int(solution.nlu)}
    return run, {}


def jax_program(flat):
    import jax
    jax.config.update("jax_enable_x64", True)
    import diffrax
    import jax.numpy as jnp
    k, w1, c1, w2, c2 = (jnp.asarray(a) for a in (K, W1, b1, W2, b2))
    calls = [0]

    def count():
        calls[0] += 1

    def build(counting):
        def rows(x):
            if counting:
                jax.debug.callback(count)
            return -x @ k + jnp.tanh(x @ w1.T + c1) @ w2.T + c2

        controller = diffrax.PIDController(rtol=args.rtol, atol=args.atol)

        def solve(y0, field):
            solution = diffrax.diffeqsolve(diffrax.ODETerm(field), diffrax.Kvaerno5(), t0=0.0, t1=T1, dt0=None, y0=y0,
                                           saveat=diffrax.SaveAt(t1=True), stepsize_controller=controller,
                                           max_steps=100_000)
            return solution.ys[-1], solution.stats["num_steps"], solution.stats["num_rejected_steps"]

        if flat:
            def program(x0):
                y, steps, rejected = solve(x0.reshape(-1), lambda t, y, a: rows(y.reshape(B, D)).reshape(-1))
                return y.reshape(B, D), steps, rejected
        else:
            def program(x0):
                y, steps, rejected = jax.vmap(lambda row: solve(row, lambda t, y, a: rows(y)))(x0)
                return y, jnp.sum(steps), jnp.sum(rejected)
        return jax.jit(program).lower(jnp.asarray(X0)).compile()

    start = time.perf_counter()
    compiled = build(False)
    extra = {"compile_s": time.perf_counter() - start}
    counted = build(True)

    def run():
        y, steps, rejected = jax.block_until_ready(compiled(jnp.asarray(X0)))
        return np.asarray(y), {"steps": int(steps), "rejected_steps": int(rejected)}

    def count_calls():
        calls[0] = 0
        jax.block_until_ready(counted(jnp.asarray(X0)))
        return calls[0]
    extra["count"] = count_calls
    return run, extra


METHODS = {"diffrax-flat": "Kvaerno5, flattened batch", "diffrax-vmap": "Kvaerno5 under vmap",
           "scipy-bdf": "BDF, jac_sparsity", "scipy-radau": "Radau, jac_sparsity"}
if args.impl.startswith("scipy"):
    run, extra = scipy_program("BDF" if args.impl == "scipy-bdf" else "Radau")
else:
    run, extra = jax_program(args.impl == "diffrax-flat")
count = extra.pop("count", None)
timing = median_time(run, args.runs, args.warmup)
value, info = timing.pop("result")
if count is not None:
    info["nfe"] = count()
if args.save_outputs:
    np.save(args.save_outputs, value)
emit({**timing, **info, **extra, "impl": args.impl, "method": METHODS[args.impl], "batch": B})
