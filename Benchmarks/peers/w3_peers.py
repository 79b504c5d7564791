# SPDX-License-Identifier: GPL-3.0-or-later
"""W3 node-batch-grad in torchdiffeq and diffrax, for resode-bench.

f(x) = tanh(x·W1ᵀ + b1)·W2ᵀ + b2 (dim 32, hidden 64) on a batch of 256 states,
t ∈ [0, t1] (t1 = 1 for --workload W3, 10 for W3-t10), Dopri5 at rtol 1e-6,
atol 1e-8, loss = 0.5·mean_b Σ_i x(t1)², gradients with respect to W1, b1, W2, b2.

Measures (--measure) and what each implementation (--impl) runs for it:
  fwd            torchdiffeq odeint dopri5 under no_grad | diffrax Dopri5
  adjoint        torchdiffeq odeint_adjoint              | diffrax BacksolveAdjoint
  adjoint-dopri5, adjoint-tsit5 (and -i, with the I controller): the same as adjoint
                 (ResODE's continuous adjoint with its own Dormand–Prince / Tsitouras both
                 ways, against the same peers)
  backprop       torchdiffeq autograd through odeint     | diffrax RecursiveCheckpointAdjoint
  fwd-gsl, checkpointed: nothing comparable; prints {"skipped": …}
  memory-adjoint, memory-backprop: peak memory of ONE gradient in this fresh
                 process: after a warm-up (torch: a gradient on t1 = 0.01; JAX:
                 the ahead-of-time compile) and gc, VmHWM is reset
                 (/proc/self/clear_refs 5); peak_delta_kib = VmHWM after the call
                 − VmRSS before it.
diffrax programs are compiled ahead of time (compile_s, not timed) with the
default max_steps = 4096. NFE: torch counts calls of the field (nfe_fwd before
the backward call, nfe_bwd during it); diffrax counts calls with a
jax.debug.callback in a second, untimed compiled copy (nfe, all passes).
Prints one JSON line; --save-outputs writes x(t1) [256, 32] (fwd) or the
gradient flattened in (W1, b1, W2, b2) order (gradients) as .npy.
"""
import argparse
import gc
import os
import resource
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from single_thread import add_run_arguments, emit, median_time, use_one_thread  # noqa: E402  (numpy-free)
import time

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--impl", required=True, choices=["torchdiffeq", "diffrax"])
parser.add_argument("--measure", required=True,
                    choices=["fwd", "fwd-gsl", "adjoint", "adjoint-dopri5", "adjoint-tsit5",
                             "adjoint-dopri5-i", "adjoint-tsit5-i", "checkpointed", "backprop",
                             "memory-adjoint", "memory-backprop"])
parser.add_argument("--workload", default="W3", choices=["W3", "W3-t10"])
add_run_arguments(parser)
parser.add_argument("--rtol", type=float, default=1e-6)
parser.add_argument("--atol", type=float, default=1e-8)
parser.add_argument("--save-outputs", default="")
args = parser.parse_args()

from torch_fields import counting_field  # noqa: E402

use_one_thread(args.cpu)


mode = args.measure.removeprefix("memory-")
if mode.startswith("adjoint-"):
    mode = "adjoint"  # the peers' adjoint, compared with ResODE's adjoint on its own schemes
if mode in ("fwd-gsl", "checkpointed"):
    emit({"median_s": None, "min_s": None, "skipped": f"{args.impl} has no counterpart of {args.measure}"})
    sys.exit(0)
T1 = 1.0 if args.workload == "W3" else 10.0
METHODS = {("torchdiffeq", "fwd"): "dopri5", ("torchdiffeq", "adjoint"): "odeint_adjoint",
           ("torchdiffeq", "backprop"): "backprop through odeint", ("diffrax", "fwd"): "Dopri5",
           ("diffrax", "adjoint"): "BacksolveAdjoint", ("diffrax", "backprop"): "RecursiveCheckpointAdjoint"}

import numpy as np  # noqa: E402

W1, b1, W2, b2, X0 = (np.load(os.path.join(args.data, f"w3_{name}.npy")) for name in ("W1", "b1", "W2", "b2", "x0"))


def torch_program(t1):
    """run() -> (loss or x(t1), flat gradient or None, info)."""
    import torch
    import torchdiffeq
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)

    field = counting_field(torch, W1, b1, W2, b2)
    parameters = [field.linear1.weight, field.linear1.bias, field.linear2.weight, field.linear2.bias]
    x0, span = torch.from_numpy(X0.copy()), torch.tensor([0.0, t1])
    options = dict(method="dopri5", rtol=args.rtol, atol=args.atol)

    def run():
        field.calls = 0
        if mode == "fwd":
            with torch.no_grad():
                x = torchdiffeq.odeint(field, x0, span, **options)[-1]
            return x.numpy(), None, {"nfe": field.calls}
        odeint = torchdiffeq.odeint_adjoint if mode == "adjoint" else torchdiffeq.odeint
        x = odeint(field, x0, span, **options)[-1]
        loss = 0.5 * (x * x).sum(1).mean()
        forward_calls = field.calls
        gradients = torch.autograd.grad(loss, parameters)
        flat = np.concatenate([g.numpy().ravel() for g in gradients])
        return loss.item(), flat, {"nfe_fwd": forward_calls, "nfe_bwd": field.calls - forward_calls}
    return run, {}


def jax_program(t1):
    import jax
    jax.config.update("jax_enable_x64", True)
    import diffrax
    import jax.numpy as jnp
    parameters = tuple(jnp.asarray(a) for a in (W1, b1, W2, b2))
    x0 = jnp.asarray(X0)
    calls = [0]

    def count():
        calls[0] += 1

    def build(counting):
        def field(t, x, p):
            if counting:
                jax.debug.callback(count)
            return jnp.tanh(x @ p[0].T + p[1]) @ p[2].T + p[3]

        adjoint = diffrax.BacksolveAdjoint() if mode == "adjoint" else diffrax.RecursiveCheckpointAdjoint()

        def solve(p):
            solution = diffrax.diffeqsolve(
                diffrax.ODETerm(field), diffrax.Dopri5(), t0=0.0, t1=t1, dt0=None, y0=x0, args=p,
                saveat=diffrax.SaveAt(t1=True), stepsize_controller=diffrax.PIDController(rtol=args.rtol, atol=args.atol),
                adjoint=adjoint)
            return solution.ys[-1], (solution.stats["num_steps"], solution.stats["num_rejected_steps"])

        if mode == "fwd":
            program = solve
        else:
            def loss(p):
                x, stats = solve(p)
                return 0.5 * jnp.mean(jnp.sum(x * x, axis=1)), stats
            program = jax.value_and_grad(loss, has_aux=True)
        return jax.jit(program).lower(parameters).compile()

    start = time.perf_counter()
    compiled = build(False)
    extra = {"compile_s": time.perf_counter() - start}
    counted = build(True) if not args.measure.startswith("memory") else None

    def run():
        result = jax.block_until_ready(compiled(parameters))
        if mode == "fwd":
            x, (steps, rejected) = result
            return np.asarray(x), None, {"steps": int(steps), "rejected_steps": int(rejected)}
        (loss, (steps, rejected)), gradients = result
        flat = np.concatenate([np.asarray(g).ravel() for g in gradients])
        return float(loss), flat, {"steps": int(steps), "rejected_steps": int(rejected)}

    def count_calls():
        calls[0] = 0
        jax.block_until_ready(counted(parameters))
        return calls[0]
    extra["count"] = count_calls
    try:
        extra["xla_temp_bytes"] = int(compiled.memory_analysis().temp_size_in_bytes)
    except Exception:  # noqa: BLE001 - not every backend reports it
        pass
    return run, extra


def memory_status():
    fields = {}
    for line in open("/proc/self/status"):
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = int(value.split()[0])
    return fields


program = torch_program if args.impl == "torchdiffeq" else jax_program
if args.measure.startswith("memory"):
    if args.impl == "torchdiffeq":
        program(0.01)[0]()  # lazy initialisation, not charged to the measurement
    run, extra = program(T1)
    extra.pop("count", None)
    gc.collect()
    before = memory_status()["VmRSS"]
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    start = time.perf_counter()
    value, gradient, info = run()
    seconds = time.perf_counter() - start
    emit({"median_s": seconds, "min_s": seconds, "impl": args.impl, "method": METHODS[(args.impl, mode)], "t1": T1,
          "peak_delta_kib": memory_status()["VmHWM"] - before, "rss_before_kib": before,
          "ru_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, **info, **extra})
    sys.exit(0)

run, extra = program(T1)
count = extra.pop("count", None)
timing = median_time(run, args.runs, args.warmup)
value, gradient, info = timing.pop("result")
if count is not None:
    info["nfe"] = count()
if args.save_outputs:
    np.save(args.save_outputs, value if gradient is None else gradient)
record = {**timing, **info, **extra, "impl": args.impl, "method": METHODS[(args.impl, mode)], "t1": T1}
if gradient is not None:
    record["loss"] = value
emit(record)
