#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for `resode eval`, computed independently with NumPy (and SciPy).

Each folder holds spec.json, weights.npz, input.npy and the expected
output.npy and grad.npz (gradient of l = 1/2 * sum(Y**2) with respect to the
input and every weight). The forward pass and its gradient are written out
here by hand (forward, then reverse through every Runge-Kutta stage), with no
code shared with ResODE. Run: python3 make_eval_fixtures.py
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TABLEAUS = {
    "euler": ([[]], [1.0]),
    "heun": ([[], [1.0]], [0.5, 0.5]),
    "midpoint": ([[], [0.5]], [0.0, 1.0]),
    "rk4": ([[], [0.5], [0.0, 0.5], [0.0, 0.0, 1.0]], [1 / 6, 1 / 3, 1 / 3, 1 / 6]),
}


def act(z, name):
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0)
    return np.logaddexp(0, z)  # softplus


def dact(z, name):
    if name == "tanh":
        return 1 - np.tanh(z) ** 2
    if name == "relu":
        return (z > 0).astype(float)
    return 1 / (1 + np.exp(-z))


def field(x, p, name):
    z = x @ p[0].T + p[1]
    return act(z, name) @ p[2].T + p[3], (x, z)


def field_vjp(u, cache, p, name):
    x, z = cache
    a = act(z, name)
    g_w2, g_b2 = u.T @ a, u.sum(0)
    gz = (u @ p[2]) * dact(z, name)
    return gz @ p[0], [gz.T @ x, gz.sum(0), g_w2, g_b2]


def run(spec, params, x0):
    """Forward pass keeping every stage; then the reverse sweep."""
    name, depth = spec["activation"], spec["depth"]
    h = spec.get("h", 1.0 / depth)
    a_mat, b_vec = TABLEAUS[spec.get("scheme", "euler")]
    blocks = [params[0] if spec.get("tied") else params[l] for l in range(depth)]
    tape, x = [], x0
    for p in blocks:
        if spec["model"] == "plain":
            y, cache = field(x, p, name)
            tape.append([cache])
        else:
            ks, caches = [], []
            for i in range(len(b_vec)):
                yi = x + h * sum(a_mat[i][j] * ks[j] for j in range(i)) if i else x
                k, cache = field(yi, p, name)
                ks.append(k)
                caches.append(cache)
            y = x + h * sum(bi * k for bi, k in zip(b_vec, ks))
            tape.append(caches)
        x = y
    out = x
    g = out.copy()  # d(1/2 sum Y^2)/dY
    grads = [[np.zeros_like(t) for t in p] for p in params]
    for l in reversed(range(depth)):
        p, caches = blocks[l], tape[l]
        slot = grads[0] if spec.get("tied") else grads[l]
        if spec["model"] == "plain":
            g, gp = field_vjp(g, caches[0], p, name)
            for s, t in zip(slot, gp):
                s += t
            continue
        s_count = len(b_vec)
        kbar = [h * b_vec[i] * g for i in range(s_count)]
        gx = g.copy()
        for i in reversed(range(s_count)):
            gyi, gp = field_vjp(kbar[i], caches[i], p, name)
            for s, t in zip(slot, gp):
                s += t
            gx += gyi
            for j in range(i):
                kbar[j] += h * a_mat[i][j] * gyi
        g = gx
    return out, g, grads


def make(folder, spec, batch, seed):
    rng = np.random.default_rng(seed)
    d, m = spec["dim"], spec["hidden"]
    count = 1 if spec.get("tied") else spec["depth"]
    params = []
    for _ in range(count):
        params.append([rng.uniform(-0.6, 0.6, (m, d)), rng.uniform(-0.3, 0.3, m),
                       rng.uniform(-0.6, 0.6, (d, m)), rng.uniform(-0.3, 0.3, d)])
    x0 = rng.standard_normal((batch, d))
    out, gx, grads = run(spec, params, x0)
    names = ["linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias"]
    prefixes = ["f."] if spec.get("tied") else [f"blocks.{l}." for l in range(count)]
    weights = {pre + n: t for pre, p in zip(prefixes, params) for n, t in zip(names, p)}
    gradient = {"input": gx}
    gradient.update({pre + n: t for pre, p in zip(prefixes, grads) for n, t in zip(names, p)})
    path = os.path.join(HERE, folder)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "spec.json"), "w") as f:
        json.dump(spec, f, indent=1)
    np.savez(os.path.join(path, "weights.npz"), **weights)
    np.save(os.path.join(path, "input.npy"), x0)
    np.save(os.path.join(path, "expected_output.npy"), out)
    np.savez(os.path.join(path, "expected_grad.npz"), **gradient)


make("resnet-euler-tanh", {"model": "resnet", "dim": 3, "hidden": 5, "activation": "tanh", "depth": 3}, 4, 1)
make("resnet-heun-softplus", {"model": "resnet", "dim": 2, "hidden": 4, "activation": "softplus", "depth": 2,
                              "h": 0.5, "scheme": "heun"}, 3, 2)
make("resnet-midpoint-tied", {"model": "resnet", "dim": 3, "hidden": 6, "activation": "tanh", "depth": 5,
                              "scheme": "midpoint", "tied": True}, 2, 3)
make("resnet-rk4-tied-softplus", {"model": "resnet", "dim": 2, "hidden": 3, "activation": "softplus", "depth": 4,
                                  "h": 0.25, "scheme": "rk4", "tied": True}, 5, 4)
make("plain-relu", {"model": "plain", "dim": 3, "hidden": 8, "activation": "relu", "depth": 3}, 4, 5)


def make_node(folder, spec, batch, seed, reference):
    """A neural ODE. `reference` is 'rk4-steps' (exact: the same RK4 steps and
    their gradient, via `run` on the equivalent tied network) or 'dop853'
    (SciPy's DOP853 at rtol = atol = 1e-13; output only)."""
    rng = np.random.default_rng(seed)
    d, m = spec["dim"], spec["hidden"]
    p = [rng.uniform(-0.8, 0.8, (m, d)), rng.uniform(-0.3, 0.3, m),
         rng.uniform(-0.8, 0.8, (d, m)), rng.uniform(-0.3, 0.3, d)]
    x0 = rng.standard_normal((batch, d))
    names = ["linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias"]
    path = os.path.join(HERE, folder)
    os.makedirs(path, exist_ok=True)
    if reference == "rk4-steps":
        tied = {"model": "resnet", "activation": spec["activation"], "depth": spec["steps"],
                "h": spec["t1"] / spec["steps"], "scheme": "rk4", "tied": True}
        out, gx, grads = run(tied, [p], x0)
        gradient = {"input": gx}
        gradient.update({"f." + n: t for n, t in zip(names, grads[0])})
        np.savez(os.path.join(path, "expected_grad.npz"), **gradient)
    else:
        from scipy.integrate import solve_ivp

        def rhs(t, y):
            return field(y.reshape(batch, d), p, spec["activation"])[0].ravel()
        sol = solve_ivp(rhs, (0.0, spec["t1"]), x0.ravel(), method="DOP853", rtol=1e-13, atol=1e-13)
        out = sol.y[:, -1].reshape(batch, d)
    with open(os.path.join(path, "spec.json"), "w") as f:
        json.dump(spec, f, indent=1)
    np.savez(os.path.join(path, "weights.npz"), **{"f." + n: t for n, t in zip(names, p)})
    np.save(os.path.join(path, "input.npy"), x0)
    np.save(os.path.join(path, "expected_output.npy"), out)


make_node("node-rk4-fixed", {"model": "node", "dim": 3, "hidden": 6, "activation": "tanh", "t1": 1.5,
                             "solver": "rk4-fixed", "steps": 12}, 4, 6, "rk4-steps")
make_node("node-dopri5", {"model": "node", "dim": 2, "hidden": 8, "activation": "softplus", "t1": 2.0,
                          "solver": "dopri5", "rtol": 1e-9, "atol": 1e-11}, 3, 7, "dop853")
make_node("node-rk8pd", {"model": "node", "dim": 2, "hidden": 8, "activation": "tanh", "t1": 1.0,
                         "solver": "rk8pd", "rtol": 1e-10, "atol": 1e-12}, 3, 8, "dop853")
