# SPDX-License-Identifier: GPL-3.0-or-later
"""W1 (residual) and W1b (plain) training step in PyTorch and JAX, for resode-bench.

64 blocks F_l(x) = tanh(x·W1_lᵀ + b1_l)·W2_lᵀ + b2_l on a batch of 256 states
of width 32 (hidden 64), float64. W1: x ← x + F_l(x)/64; W1b: x ← F_l(x).
loss = 0.5·mean_b Σ_i (x_L − y)². `fwd` times the loss alone (no autodiff
bookkeeping); `fwd_bwd` times the loss and its gradient for all 4·64 arrays.

Implementations, written as a user of each library would:
  torch-eager       nn.Linear blocks, torch.autograd.grad
  jax-jit           lax.scan over the stacked weights, jit(value_and_grad);
                    the compile time is measured apart (compile_s)
  jax-jit-unrolled  the same, with the 64 blocks unrolled in one program
  numpy             the reference: forward, and a hand-written backward

Prints one JSON line: median_s, min_s, median_cpu_s, cpu_over_wall, loss,
error (relative 2-norm difference from the NumPy reference: of the loss for
fwd, of all gradients for fwd_bwd), compile_s (JAX only). --save-gradients writes the gradients
(names W1, b1, W2, b2, stacked over blocks) and the loss to an .npz file.
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from single_thread import add_run_arguments, emit, median_time, use_one_thread  # noqa: E402  (numpy-free)

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--impl", required=True,
                    choices=["torch-eager", "jax-jit", "jax-jit-unrolled", "numpy"])
parser.add_argument("--measure", required=True, choices=["fwd", "fwd_bwd"])
parser.add_argument("--workload", default="W1", choices=["W1", "W1b"])
add_run_arguments(parser)
parser.add_argument("--save-gradients", default="", help="write the gradients to this .npz")
args = parser.parse_args()


use_one_thread(args.cpu)

import numpy as np  # noqa: E402

W1, b1, W2, b2, X, Y = (np.load(os.path.join(args.data, f"w1_{name}.npy"))
                        for name in ("W1", "b1", "W2", "b2", "x", "y"))
BLOCKS = W1.shape[0]
RESIDUAL = args.workload == "W1"
h = 1.0 / BLOCKS


def numpy_loss_and_gradients(with_gradients):
    x, inputs, activations = X, [], []
    for l in range(BLOCKS):
        a = np.tanh(x @ W1[l].T + b1[l])
        f = a @ W2[l].T + b2[l]
        inputs.append(x)
        activations.append(a)
        x = x + h * f if RESIDUAL else f
    r = x - Y
    loss = 0.5 * np.sum(r * r) / X.shape[0]
    if not with_gradients:
        return loss, None
    grads = [np.empty_like(p) for p in (W1, b1, W2, b2)]
    x_bar = r / X.shape[0]
    for l in reversed(range(BLOCKS)):
        f_bar = h * x_bar if RESIDUAL else x_bar
        a = activations[l]
        grads[2][l], grads[3][l] = f_bar.T @ a, f_bar.sum(0)
        z_bar = (f_bar @ W2[l]) * (1 - a * a)
        grads[0][l], grads[1][l] = z_bar.T @ inputs[l], z_bar.sum(0)
        x_bar = (x_bar if RESIDUAL else 0) + z_bar @ W1[l]
    return loss, grads


def flat(arrays):
    return np.concatenate([np.asarray(a).ravel() for a in arrays])


def torch_step():
    import torch
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)

    class Block(torch.nn.Module):
        def __init__(self, l):
            super().__init__()
            self.inner, self.outer = torch.nn.Linear(32, 64), torch.nn.Linear(64, 32)
            with torch.no_grad():
                for layer, w, b in ((self.inner, W1[l], b1[l]), (self.outer, W2[l], b2[l])):
                    layer.weight.copy_(torch.from_numpy(w))
                    layer.bias.copy_(torch.from_numpy(b))

        def forward(self, x):
            return self.outer(torch.tanh(self.inner(x)))

    blocks = torch.nn.ModuleList(Block(l) for l in range(BLOCKS))
    x0, y = torch.from_numpy(X), torch.from_numpy(Y)
    params = ([b.inner.weight for b in blocks] + [b.inner.bias for b in blocks]
              + [b.outer.weight for b in blocks] + [b.outer.bias for b in blocks])

    def loss():
        x = x0
        for block in blocks:
            x = x + h * block(x) if RESIDUAL else block(x)
        return 0.5 * ((x - y) ** 2).sum(1).mean()

    if args.measure == "fwd":
        def step():
            with torch.no_grad():
                return loss().item(), None
    else:
        def step():
            value = loss()
            grads = torch.autograd.grad(value, params)
            return value.item(), grads
    return step, lambda r: r, lambda g: [torch.stack(g[k * BLOCKS:(k + 1) * BLOCKS]).numpy()
                                         for k in range(4)], None


def jax_step(unrolled):
    import time
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    def block(x, p):
        w1, c1, w2, c2 = p
        f = jnp.tanh(x @ w1.T + c1) @ w2.T + c2
        return x + h * f if RESIDUAL else f

    def loss(p, x, y):
        if unrolled:
            for l in range(BLOCKS):
                x = block(x, [a[l] for a in p])
        else:
            x, _ = jax.lax.scan(lambda c, pl: (block(c, pl), None), x, p)
        return 0.5 * jnp.mean(jnp.sum((x - y) ** 2, axis=1))

    p = [jnp.asarray(a) for a in (W1, b1, W2, b2)]
    x0, y = jnp.asarray(X), jnp.asarray(Y)
    f = loss if args.measure == "fwd" else jax.value_and_grad(loss)
    start = time.perf_counter()
    compiled = jax.jit(f).lower(p, x0, y).compile()
    compile_s = time.perf_counter() - start
    if args.measure == "fwd":
        step = lambda: (compiled(p, x0, y), None)  # noqa: E731
    else:
        step = lambda: compiled(p, x0, y)  # noqa: E731
    finish = lambda r: (float(jax.block_until_ready(r[0])), jax.block_until_ready(r[1]))  # noqa: E731
    return step, finish, lambda g: [np.asarray(a) for a in g], compile_s


def numpy_step():
    return (lambda: numpy_loss_and_gradients(args.measure == "fwd_bwd"),
            lambda r: r, lambda g: g, None)


if args.impl == "torch-eager":
    step, finish, to_numpy, compile_s = torch_step()
elif args.impl == "numpy":
    step, finish, to_numpy, compile_s = numpy_step()
else:
    step, finish, to_numpy, compile_s = jax_step(args.impl == "jax-jit-unrolled")

timing = median_time(step, args.runs, args.warmup, finish)
loss, grads = timing.pop("result")
ref_loss, ref_grads = numpy_loss_and_gradients(True)
if args.measure == "fwd":
    error = abs(loss - ref_loss) / abs(ref_loss)
else:
    grads = to_numpy(grads)
    error = float(np.linalg.norm(flat(grads) - flat(ref_grads)) / np.linalg.norm(flat(ref_grads)))
if args.save_gradients:
    saved = grads if args.measure == "fwd_bwd" else ref_grads
    np.savez(args.save_gradients, W1=saved[0], b1=saved[1], W2=saved[2], b2=saved[3], loss=np.array(loss))

record = {"workload": args.workload, "measure": args.measure, "impl": args.impl, **timing,
          "runs": args.runs, "loss": float(loss), "error": error, "compile_s": compile_s, "cpu": sorted(os.sched_getaffinity(0))}
emit(record)
