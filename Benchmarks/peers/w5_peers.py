# SPDX-License-Identifier: GPL-3.0-or-later
"""W5 conv-resnet-train-step in PyTorch and JAX, for resode-bench.

ResNet-20 (He et al. 2016 §4.2): conv 3×3 → BN → ReLU, three stages of three
basic blocks y = ReLU(S(x) + BN(conv(ReLU(BN(conv(x)))))) with widths
16/32/64, stride 2 and a 1×1 conv → BN projection S where the shape changes,
global average pooling, linear read-out; batch of 64 images 3×32×32, float64,
batch normalisation in training mode (batch statistics, biased variance,
ε = 1e-5). loss = mean softmax cross-entropy. `fwd_bwd` times the loss and its
gradient with respect to every parameter (not the input).

Implementations, written as a user of each library would:
  torch-eager  nn.Conv2d / nn.BatchNorm2d modules in train(), torch.autograd.grad
  jax-jit      lax.conv_general_dilated, jit(value_and_grad); compile time apart

Prints one JSON line: median_s, min_s, median_cpu_s, cpu_over_wall, loss,
compile_s (JAX only). --save-gradients writes every gradient, keyed by
PyTorch's parameter names, and the loss to an .npz file.
"""
import argparse
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from single_thread import add_run_arguments, emit, median_time, use_one_thread  # noqa: E402  (numpy-free)

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--impl", required=True, choices=["torch-eager", "jax-jit"])
parser.add_argument("--measure", required=True, choices=["fwd_bwd"])
parser.add_argument("--workload", default="W5", choices=["W5"])
add_run_arguments(parser)
parser.add_argument("--save-gradients", default="", help="write the gradients to this .npz")
args = parser.parse_args()

use_one_thread(args.cpu)

import numpy as np  # noqa: E402

WEIGHTS = dict(np.load(os.path.join(args.data, "w5_weights.npz")))
X = np.load(os.path.join(args.data, "w5_x.npy"))
LABELS = np.load(os.path.join(args.data, "w5_labels.npy")).astype(np.int64)
WIDTHS, BLOCKS, EPS = (16, 32, 64), 3, 1e-5
PARAMETER_NAMES = [k for k in WEIGHTS if not k.endswith(("running_mean", "running_var"))]


def block_layout():
    """(prefix, input channels, width, stride, has projection) of every block."""
    layout, channels = [], WIDTHS[0]
    for s, width in enumerate(WIDTHS, start=1):
        for b in range(BLOCKS):
            stride = 2 if s > 1 and b == 0 else 1
            layout.append((f"layer{s}.{b}.", channels, width, stride, stride != 1 or channels != width))
            channels = width
    return layout


def torch_step():
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(1)
    nn = torch.nn

    class BasicBlock(nn.Module):
        def __init__(self, cin, width, stride, projects):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, width, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(width)
            self.conv2 = nn.Conv2d(width, width, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(width)
            self.shortcut = (nn.Sequential(nn.Conv2d(cin, width, 1, stride, bias=False), nn.BatchNorm2d(width))
                             if projects else nn.Sequential())

        def forward(self, x):
            y = F.relu(self.bn1(self.conv1(x)))
            return F.relu(self.shortcut(x) + self.bn2(self.conv2(y)))

    class ResNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(16)
            layout = block_layout()
            for s in range(1, 4):
                setattr(self, f"layer{s}", nn.Sequential(*[BasicBlock(cin, w, st, pr)
                                                          for p, cin, w, st, pr in layout[(s - 1) * BLOCKS:s * BLOCKS]]))
            self.fc = nn.Linear(64, 10)

        def forward(self, x):
            x = F.relu(self.bn1(self.conv1(x)))
            x = self.layer3(self.layer2(self.layer1(x)))
            return self.fc(x.mean((2, 3)))

    net = ResNet().double()
    net.load_state_dict({k: torch.from_numpy(v) for k, v in WEIGHTS.items()}, strict=False)
    net.train()
    named = dict(net.named_parameters())
    params = [named[k] for k in PARAMETER_NAMES]
    x, labels = torch.from_numpy(X), torch.from_numpy(LABELS)

    def step():
        loss = F.cross_entropy(net(x), labels)
        grads = torch.autograd.grad(loss, params)
        return loss.item(), grads
    return step, lambda r: r, lambda g: [t.numpy() for t in g], None


def jax_step():
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    def conv(p, name, x, stride):
        w = p[name + ".weight"]
        pad = w.shape[2] // 2
        return jax.lax.conv_general_dilated(x, w, (stride, stride), [(pad, pad), (pad, pad)],
                                            dimension_numbers=("NCHW", "OIHW", "NCHW"))

    def norm(p, name, x):
        mean = x.mean((0, 2, 3), keepdims=True)
        var = ((x - mean) ** 2).mean((0, 2, 3), keepdims=True)
        scale = p[name + ".weight"][None, :, None, None]
        shift = p[name + ".bias"][None, :, None, None]
        return (x - mean) / jnp.sqrt(var + EPS) * scale + shift

    def loss(p, x, labels):
        x = jax.nn.relu(norm(p, "bn1", conv(p, "conv1", x, 1)))
        for prefix, _, _, stride, projects in block_layout():
            y = jax.nn.relu(norm(p, prefix + "bn1", conv(p, prefix + "conv1", x, stride)))
            y = norm(p, prefix + "bn2", conv(p, prefix + "conv2", y, 1))
            s = norm(p, prefix + "shortcut.1", conv(p, prefix + "shortcut.0", x, stride)) if projects else x
            x = jax.nn.relu(s + y)
        logits = x.mean((2, 3)) @ p["fc.weight"].T + p["fc.bias"]
        logp = jax.nn.log_softmax(logits)
        return -jnp.mean(jnp.take_along_axis(logp, labels[:, None], axis=1))

    p = {k: jnp.asarray(WEIGHTS[k]) for k in PARAMETER_NAMES}
    x, labels = jnp.asarray(X), jnp.asarray(LABELS)
    start = time.perf_counter()
    compiled = jax.jit(jax.value_and_grad(loss)).lower(p, x, labels).compile()
    compile_s = time.perf_counter() - start
    step = lambda: compiled(p, x, labels)  # noqa: E731
    finish = lambda r: (float(jax.block_until_ready(r[0])), jax.block_until_ready(r[1]))  # noqa: E731
    return step, finish, lambda g: [np.asarray(g[k]) for k in PARAMETER_NAMES], compile_s


step, finish, to_numpy, compile_s = torch_step() if args.impl == "torch-eager" else jax_step()
timing = median_time(step, args.runs, args.warmup, finish)
loss, grads = timing.pop("result")
if args.save_gradients:
    np.savez(args.save_gradients, loss=np.array(loss), **dict(zip(PARAMETER_NAMES, to_numpy(grads))))

emit({"workload": args.workload, "measure": args.measure, "impl": args.impl, **timing, "runs": args.runs,
      "loss": float(loss), "compile_s": compile_s, "cpu": sorted(os.sched_getaffinity(0))})
