"""SGD's dampening and RMSProp's centered form: hand-computed steps, PyTorch's numbers,
and the new state in state_dict and checkpoints."""

from __future__ import annotations

import math
import random

import pytest

from tinygrad_scalar import Value
from tinygrad_scalar.optim import SGD, RMSProp


def _run(make, grads_per_step, start):
    ps = [Value(x) for x in start]
    opt = make(ps)
    for grads in grads_per_step:
        for p, g in zip(ps, grads):
            p.grad = g
        opt.step()
    return [p.data for p in ps], opt


def test_sgd_dampening_by_hand():
    # b1 = g1 = 1; b2 = 0.9 * 1 + (1 - 0.5) * 2 = 1.9
    (w,), opt = _run(lambda ps: SGD(ps, lr=0.1, momentum=0.9, dampening=0.5), [[1.0], [2.0]], [0.0])
    assert opt.buf == [pytest.approx(1.9, abs=1e-15)]
    assert w == pytest.approx(-0.1 * 1.0 - 0.1 * 1.9, abs=1e-15)


def test_sgd_dampening_equal_to_momentum_is_the_moving_average():
    mu, gs = 0.8, [3.0, -1.0, 2.0]
    (_,), opt = _run(lambda ps: SGD(ps, lr=0.01, momentum=mu, dampening=mu), [[g] for g in gs], [0.0])
    avg = gs[0]
    for g in gs[1:]:
        avg = mu * avg + (1 - mu) * g
    assert opt.buf[0] == pytest.approx(avg, abs=1e-15)


def test_sgd_nesterov_refuses_dampening_and_bad_dampening_is_named():
    with pytest.raises(ValueError, match="nesterov=True needs dampening=0"):
        SGD([Value(1.0)], lr=0.1, momentum=0.9, nesterov=True, dampening=0.1)
    with pytest.raises((TypeError, ValueError), match="SGD.*dampening"):
        SGD([Value(1.0)], lr=0.1, momentum=0.9, dampening=1.5)


def test_rmsprop_centered_by_hand():
    a, g, lr, eps = 0.9, 2.0, 0.01, 1e-8
    (w,), opt = _run(lambda ps: RMSProp(ps, lr=lr, alpha=a, eps=eps, centered=True), [[g]], [1.0])
    s, m = (1 - a) * g * g, (1 - a) * g
    assert w == pytest.approx(1.0 - lr * g / (math.sqrt(s - m * m) + eps), abs=1e-15)
    assert opt.grad_avg == [pytest.approx(m, abs=1e-15)] and "grad_avg" in opt.state_dict()


def test_rmsprop_centered_state_round_trips_and_is_required():
    ps = [Value(1.0), Value(-2.0)]
    opt = RMSProp(ps, lr=0.01, centered=True)
    for p in ps:
        p.grad = 0.5
    opt.step()
    state = opt.state_dict()
    other = RMSProp([Value(1.0), Value(-2.0)], lr=0.01, centered=True)
    other.load_state_dict(state)
    assert other.grad_avg == opt.grad_avg and other.sq == opt.sq
    del state["grad_avg"]
    with pytest.raises(ValueError, match="grad_avg"):
        other.load_state_dict(state)
    assert "grad_avg" not in RMSProp([Value(1.0)]).state_dict()


def test_rmsprop_centered_survives_a_checkpoint(tmp_path):
    from tinygrad_scalar import MLP
    from tinygrad_scalar.train import load_checkpoint, save_checkpoint
    m = MLP(2, [2, 1], rng=0)
    opt = RMSProp(m.parameters(), lr=0.01, centered=True)
    for p in m.parameters():
        p.grad = 0.3
    opt.step()
    save_checkpoint(tmp_path / "c.json", m, opt)
    opt2 = RMSProp(m.parameters(), lr=0.01, centered=True)
    load_checkpoint(tmp_path / "c.json", m, opt2)
    assert opt2.grad_avg == opt.grad_avg


def _torch_run(torch, cls, kwargs, grads_per_step, start):
    ps = [torch.tensor([x], dtype=torch.float64, requires_grad=True) for x in start]
    opt = cls(ps, **kwargs)
    for grads in grads_per_step:
        for p, g in zip(ps, grads):
            p.grad = torch.tensor([g], dtype=torch.float64)
        opt.step()
    return [p.item() for p in ps]


@pytest.mark.parametrize("kwargs", [
    {"lr": 0.1, "momentum": 0.9, "dampening": 0.9},
    {"lr": 0.05, "momentum": 0.5, "dampening": 0.3, "weight_decay": 0.01},
    {"lr": 0.1, "momentum": 0.9, "nesterov": True},
])
def test_sgd_matches_torch(kwargs):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    r = random.Random(0)
    steps = [[r.uniform(-2, 2) for _ in range(3)] for _ in range(20)]
    start = [0.5, -1.0, 2.0]
    ours, _ = _run(lambda ps: SGD(ps, **kwargs), steps, start)
    theirs = _torch_run(torch, torch.optim.SGD, kwargs, steps, start)
    assert ours == pytest.approx(theirs, abs=1e-12)


@pytest.mark.parametrize("kwargs", [
    {"lr": 0.01, "alpha": 0.9, "centered": True},
    {"lr": 0.01, "alpha": 0.99, "centered": True, "weight_decay": 0.1, "eps": 1e-6},
    {"lr": 0.01, "alpha": 0.99, "centered": False},
])
def test_rmsprop_matches_torch(kwargs):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    r = random.Random(1)
    steps = [[r.uniform(-2, 2) for _ in range(3)] for _ in range(20)]
    start = [0.5, -1.0, 2.0]
    ours, _ = _run(lambda ps: RMSProp(ps, **kwargs), steps, start)
    theirs = _torch_run(torch, torch.optim.RMSprop, kwargs, steps, start)
    assert ours == pytest.approx(theirs, abs=1e-12)
