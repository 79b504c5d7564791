# SPDX-License-Identifier: GPL-3.0-or-later
"""The neural-ODE vector fields of W2 and W3 as PyTorch modules, shared by
the peer scripts: f(x) = linear2(tanh(linear1(g(x)))) with g(x) = x³ (W2)
or x (W3), PyTorch's nn.Linear layout, weights copied from the .npy inputs,
and a counter of evaluations. Import torch before calling."""


def counting_field(torch, W1, b1, W2, b2, cube=False):
    class Field(torch.nn.Module):
        def __init__(self):
            super().__init__()
            d, hidden = W1.shape[1], W1.shape[0]
            self.linear1, self.linear2 = torch.nn.Linear(d, hidden), torch.nn.Linear(hidden, d)
            with torch.no_grad():
                for layer, w, b in ((self.linear1, W1, b1), (self.linear2, W2, b2)):
                    layer.weight.copy_(torch.from_numpy(w))
                    layer.bias.copy_(torch.from_numpy(b))
            self.calls = 0

        def forward(self, t, x):
            self.calls += 1
            return self.linear2(torch.tanh(self.linear1(x ** 3 if cube else x)))

    return Field()
