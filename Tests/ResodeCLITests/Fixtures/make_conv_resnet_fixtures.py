# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for `resode eval` with "model": "conv-resnet", computed independently in
PyTorch (float64, evaluation mode): a tiny CIFAR-style ResNet and its plain twin.

Block:  relu(shortcut(x) + h * bn2(conv2(relu(bn1(conv1(x))))))   (plain: relu(bn2(conv2(...))))
Shortcut: identity, or conv 1x1 with the stride -> BN where the shape changes.
Writes spec.json, weights.npz (state_dict names, running statistics included),
input.npy, expected_output.npy and expected_grad.npz (gradient of 0.5*sum(Y^2) with
respect to the input and every parameter) into conv-resnet/ and conv-plain/.

Run with /opt/peers/bin/python from this folder.
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


class Block(nn.Module):
    def __init__(self, cin, cout, stride, h, residual):
        super().__init__()
        self.h, self.residual = h, residual
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if residual and (stride != 1 or cin != cout):
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        f = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(self.shortcut(x) + self.h * f) if self.residual else F.relu(f)


class ResNet(nn.Module):
    def __init__(self, cin, classes, n, widths, h, residual):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, widths[0], 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        channels = widths[0]
        for s, w in enumerate(widths):
            blocks = []
            for b in range(n):
                blocks.append(Block(channels, w, 2 if s > 0 and b == 0 else 1, h, residual))
                channels = w
            setattr(self, f"layer{s + 1}", nn.Sequential(*blocks))
        self.stages = len(widths)
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        for s in range(self.stages):
            x = getattr(self, f"layer{s + 1}")(x)
        return self.fc(x.mean(dim=(2, 3)))


def make(folder, residual, seed):
    spec = {"model": "conv-resnet", "in_channels": 2, "height": 6, "width": 6, "classes": 3,
            "blocks_per_stage": 2, "widths": [3, 4, 5], "residual": residual, "h": 0.7,
            "shortcut": "projection", "norm": "batch"}
    torch.manual_seed(seed)
    net = ResNet(2, 3, 2, [3, 4, 5], 0.7, residual)
    with torch.no_grad():  # non-trivial normalisation parameters and running statistics
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.3, 0.3)
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 2.0)
    net.eval()
    x = torch.randn(3, 2, 6, 6, requires_grad=True)
    y = net(x)
    (0.5 * (y ** 2).sum()).backward()
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "spec.json"), "w") as f:
        json.dump(spec, f, indent=2, sort_keys=True)
    state = {k: v.detach().numpy() for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")}
    np.savez(os.path.join(folder, "weights.npz"), **state)
    np.save(os.path.join(folder, "input.npy"), x.detach().numpy())
    np.save(os.path.join(folder, "expected_output.npy"), y.detach().numpy())
    grads = {"input": x.grad.numpy()}
    grads.update({k: p.grad.numpy() for k, p in net.named_parameters()})
    np.savez(os.path.join(folder, "expected_grad.npz"), **grads)


if __name__ == "__main__":
    make("conv-resnet", True, 11)
    make("conv-plain", False, 12)
