# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the W4 stiff-node-batch inputs into Benchmarks/data (NumPy PCG64, seed 20261104).

f(x) = −x·K + tanh(x·W1ᵀ + b1)·W2ᵀ + b2 on rows x ∈ R^16: K = Q diag(λ) Qᵀ symmetric
positive definite with λ log-spaced from 1 to 10⁴ (stiffness ratio 10⁴), Q orthogonal
(QR of a Gaussian matrix); W1 [32, 16], b1 [32], W2 [16, 32], b2 [16] with N(0, 1/in)
entries (PyTorch nn.Linear layout); x0 [1024, 16] standard normal (W4 uses the first
256 rows, W4-scaling the first 64, 256 and 1024).
"""
import os
import sys

import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
rng = np.random.default_rng(20261104)
d, hidden, batch = 16, 32, 1024
q, r = np.linalg.qr(rng.standard_normal((d, d)))
q = q * np.sign(np.diag(r))  # a unique orthogonal factor
eigenvalues = np.logspace(0, 4, d)
arrays = {
    "K": (q * eigenvalues) @ q.T,
    "W1": rng.standard_normal((hidden, d)) / np.sqrt(d),
    "b1": rng.standard_normal(hidden) / np.sqrt(d),
    "W2": rng.standard_normal((d, hidden)) / np.sqrt(hidden),
    "b2": rng.standard_normal(d) / np.sqrt(hidden),
    "x0": rng.standard_normal((batch, d)),
}
arrays["K"] = 0.5 * (arrays["K"] + arrays["K"].T)  # exactly symmetric
for name, value in arrays.items():
    np.save(os.path.join(out, f"w4_{name}.npy"), np.ascontiguousarray(value, dtype=np.float64))
