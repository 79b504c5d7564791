# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the W5 inputs (conv-resnet-train-step) into Benchmarks/data/.

ResNet-20 of He et al. 2016 §4.2 (3 stages of 3 basic blocks, widths 16/32/64,
projection shortcuts where the shape changes, 10 classes) with PyTorch's names:
  w5_weights.npz  every parameter and running statistic (conv: He-normal,
                  std √(2/fan_in); BN scale 1 + 0.1·N(0,1), shift 0.1·N(0,1),
                  running mean 0, running variance 1; fc: U(±1/√64))
  w5_x.npy        a batch of 64 images [64, 3, 32, 32], N(0, 1)
  w5_labels.npy   64 class labels in 0…9, stored as float64
NumPy PCG64, seed 20261105.
"""
import os

import numpy as np

rng = np.random.Generator(np.random.PCG64(20261105))
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
weights = {}


def conv(name, cout, cin, k):
    weights[name + ".weight"] = rng.standard_normal((cout, cin, k, k)) * np.sqrt(2.0 / (cin * k * k))


def norm(name, c):
    weights[name + ".weight"] = 1 + 0.1 * rng.standard_normal(c)
    weights[name + ".bias"] = 0.1 * rng.standard_normal(c)
    weights[name + ".running_mean"] = np.zeros(c)
    weights[name + ".running_var"] = np.ones(c)


conv("conv1", 16, 3, 3)
norm("bn1", 16)
channels = 16
for s, width in enumerate((16, 32, 64), start=1):
    for b in range(3):
        p = f"layer{s}.{b}."
        conv(p + "conv1", width, channels, 3)
        norm(p + "bn1", width)
        conv(p + "conv2", width, width, 3)
        norm(p + "bn2", width)
        if s > 1 and b == 0:
            conv(p + "shortcut.0", width, channels, 1)
            norm(p + "shortcut.1", width)
        channels = width
weights["fc.weight"] = rng.uniform(-0.125, 0.125, (10, 64))
weights["fc.bias"] = rng.uniform(-0.125, 0.125, 10)
np.savez(os.path.join(out, "w5_weights.npz"), **weights)
np.save(os.path.join(out, "w5_x.npy"), rng.standard_normal((64, 3, 32, 32)))
np.save(os.path.join(out, "w5_labels.npy"), rng.integers(0, 10, 64).astype(np.float64))
