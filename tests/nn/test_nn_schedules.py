"""nn.schedules: learning rates through ``step()`` against their formulas, state, errors."""

from __future__ import annotations

import json
import math

import pytest

from tinygrad_scalar import Value
from tinygrad_scalar.optim import (
    SGD,
    CosineLR,
    ExponentialLR,
    InverseTimeLR,
    LinearLR,
    StepLR,
    WarmupLR,
)


def opt_at(lr=1.0):
    return SGD([Value(0.0)], lr=lr)


def lrs(schedule, n):
    out = [schedule.optimizer.lr]
    for _ in range(n - 1):
        out.append(schedule.step())
    return out


def test_schedules_follow_their_formulas_through_step():
    assert lrs(StepLR(opt_at(2.0), step_size=3, gamma=0.5), 7) == [2, 2, 2, 1, 1, 1, 0.5]
    assert lrs(ExponentialLR(opt_at(), gamma=0.9), 4) == pytest.approx([1, 0.9, 0.81, 0.729])
    assert lrs(InverseTimeLR(opt_at(0.5), decay=0.5), 4) == pytest.approx(
        [0.5 / (1 + 0.5 * e) for e in range(4)])
    assert lrs(LinearLR(opt_at(), total_epochs=100, end_factor=0.1), 101)[::25] == pytest.approx(
        [1.0 - 0.9 * k / 100 for k in (0, 25, 50, 75, 100)])
    cos = lrs(CosineLR(opt_at(), total_epochs=4, min_lr=0.2), 6)
    assert cos == pytest.approx([0.2 + 0.8 * (1 + math.cos(math.pi * min(e, 4) / 4)) / 2
                                 for e in range(6)])


def test_warmup_then_cosine():
    opt = opt_at(0.3)
    cosine = CosineLR(opt, total_epochs=2)
    s = WarmupLR(opt, 3, then=cosine)
    assert lrs(s, 6) == pytest.approx([0.1, 0.2, 0.3, 0.15, 0.0, 0.0])
    plain = WarmupLR(opt_at(1.0), 2)
    assert lrs(plain, 4) == [0.5, 1.0, 1.0, 1.0]


def test_schedule_state_round_trip_and_refusal():
    opt = opt_at(1.0)
    s = ExponentialLR(opt, gamma=0.5)
    s.step()
    s.step()
    state = json.loads(json.dumps(s.state_dict()))
    opt2 = opt_at(1.0)
    s2 = ExponentialLR(opt2, gamma=0.5)
    s2.load_state_dict(state)
    assert (s2.epoch, opt2.lr) == (2, 0.25)
    assert s2.step() == s.step() == 0.125
    with pytest.raises(ValueError, match="state is for schedule 'ExponentialLR', not 'StepLR'"):
        StepLR(opt_at(), step_size=2).load_state_dict(state)
    with pytest.raises(ValueError, match="'epoch' must be an int >= 0, got -1"):
        s2.load_state_dict(dict(state, epoch=-1))
    assert s2.epoch == 3


def test_bad_schedule_arguments():
    with pytest.raises(ValueError, match="StepLR: step_size must be an int >= 1, got 0"):
        StepLR(opt_at(), step_size=0)
    with pytest.raises(TypeError, match="CosineLR: total_epochs must be an int, got 1.5"):
        CosineLR(opt_at(), total_epochs=1.5)
    with pytest.raises(TypeError, match="expected an Optimizer, got list"):
        ExponentialLR([], gamma=0.5)
    with pytest.raises(ValueError, match="then must be a schedule on the same optimizer"):
        WarmupLR(opt_at(), 2, then=CosineLR(opt_at(), 3))


def test_a_rate_the_optimizer_refuses_stops_the_schedule_where_it_was():
    opt = opt_at(1e300)
    s = ExponentialLR(opt, gamma=1e10)
    with pytest.raises(ValueError, match="SGD: lr must be finite, got inf"):
        s.step()  # 1e300 * 1e10 overflows to inf
    assert (s.epoch, opt.lr) == (0, 1e300)


def test_a_schedule_that_reached_zero_saves_and_loads():
    opt = opt_at(0.3)
    s = LinearLR(opt, total_epochs=2)
    lrs(s, 4)
    assert opt.lr == 0.0
    opt2 = opt_at(0.3)
    s2 = LinearLR(opt2, total_epochs=2)
    opt2.load_state_dict(json.loads(json.dumps(opt.state_dict())))
    s2.load_state_dict(json.loads(json.dumps(s.state_dict())))
    assert (s2.epoch, opt2.lr, s2.step()) == (3, 0.0, 0.0)
