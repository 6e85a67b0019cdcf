"""The tensor baselines of the training benchmarks: PyTorch (1 thread, float64, batched
tensors) and NumPy (forward and backward by hand), for an MLP with ReLU hidden layers.

Both run the same steps as ``fit``: the mean max-margin loss plus ``l2 * sum(p**2)`` with
SGD (micrograd's demo), or the mean softmax cross-entropy with Adam (digits).
"""

from __future__ import annotations

import random
from typing import Any, List, Optional, Sequence


def torch_or_none() -> Optional[Any]:
    """``torch`` set to one thread, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


class TorchMLP:
    """An MLP in PyTorch (float64): ``step(idx)`` trains on the rows ``idx``."""

    def __init__(self, torch: Any, sizes: Sequence[int], X: List[List[float]], y: List[Any],
                 loss: str, lr: float, l2: float = 0.0, seed: int = 0) -> None:
        self.torch, self.loss, self.l2 = torch, loss, l2
        torch.manual_seed(seed)
        layers: List[Any] = []
        for i in range(len(sizes) - 1):
            layers.append(torch.nn.Linear(sizes[i], sizes[i + 1], dtype=torch.float64))
            if i < len(sizes) - 2:
                layers.append(torch.nn.ReLU())
        self.model = torch.nn.Sequential(*layers)
        self.params = list(self.model.parameters())
        self.X = torch.tensor(X, dtype=torch.float64)
        if loss == "hinge":
            self.y = torch.tensor(y, dtype=torch.float64)
            self.opt: Any = torch.optim.SGD(self.params, lr=lr)
        else:
            self.y = torch.tensor(y, dtype=torch.long)
            self.opt = torch.optim.Adam(self.params, lr=lr)

    def step(self, idx: Optional[List[int]] = None) -> float:
        torch = self.torch
        X, y = (self.X, self.y) if idx is None else (self.X[idx], self.y[idx])
        out = self.model(X)
        if self.loss == "hinge":
            loss = torch.relu(1.0 - y * out[:, 0]).mean()
        else:
            loss = torch.nn.functional.cross_entropy(out, y)
        if self.l2:
            loss = loss + self.l2 * sum((p * p).sum() for p in self.params)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return float(loss.detach())


class NumpyMLP:
    """micrograd's demo step (ReLU MLP, max-margin loss, L2, SGD) on NumPy arrays."""

    def __init__(self, sizes: Sequence[int], X: List[List[float]], y: List[float],
                 lr: float, l2: float, seed: int = 0) -> None:
        import numpy as np

        self.np, self.lr, self.l2 = np, lr, l2
        rng = random.Random(seed)
        self.W = [np.array([[rng.uniform(-1, 1) for _ in range(sizes[i + 1])]
                            for _ in range(sizes[i])]) for i in range(len(sizes) - 1)]
        self.b = [np.zeros(sizes[i + 1]) for i in range(len(sizes) - 1)]
        self.X, self.y = np.array(X), np.array(y)

    def step(self) -> float:
        np = self.np
        acts, pre = [self.X], []
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            z = acts[-1] @ W + b
            pre.append(z)
            acts.append(z if i == len(self.W) - 1 else np.maximum(z, 0.0))
        n = len(self.y)
        margin = 1.0 - self.y * acts[-1][:, 0]
        reg = sum((W * W).sum() + (b * b).sum() for W, b in zip(self.W, self.b))
        loss = np.maximum(margin, 0.0).mean() + self.l2 * reg
        delta = np.where(margin > 0.0, -self.y / n, 0.0)[:, None]
        for i in range(len(self.W) - 1, -1, -1):
            if i < len(self.W) - 1:
                delta = delta * (pre[i] > 0.0)
            gW = acts[i].T @ delta + 2 * self.l2 * self.W[i]
            gb = delta.sum(axis=0) + 2 * self.l2 * self.b[i]
            delta = delta @ self.W[i].T
            self.W[i] -= self.lr * gW
            self.b[i] -= self.lr * gb
        return float(loss)
