"""nn.optim: single steps against the published update rules, state, errors."""

from __future__ import annotations

import json
import math

import pytest

from tinygrad_scalar import Value
from tinygrad_scalar.optim import SGD, Adam, AdamW, RMSProp


def run(opt_cls, grads, p0=1.0, **kw):
    """Apply ``opt_cls`` to one parameter starting at ``p0`` with the given gradients."""
    p = Value(p0)
    opt = opt_cls([p], **kw)
    out = []
    for g in grads:
        p.grad = g
        opt.step()
        out.append(p.data)
    return out


# ---------------------------------------------------------------- hand-computed steps
def test_sgd_plain_step():
    assert run(SGD, [0.5, -2.0], lr=0.1) == pytest.approx([0.95, 1.15])


def test_sgd_momentum_two_steps():
    # b1 = g1 = 0.5; p = 1 - 0.1*0.5 = 0.95; b2 = 0.9*0.5 + 1.0 = 1.45; p = 0.95 - 0.145
    assert run(SGD, [0.5, 1.0], lr=0.1, momentum=0.9) == pytest.approx([0.95, 0.805])


def test_sgd_nesterov_two_steps():
    # b1 = 0.5, step g + mu*b1 = 0.95 -> p = 0.905; b2 = 1.45, step 1 + 1.305 -> p = 0.6745
    assert run(SGD, [0.5, 1.0], lr=0.1, momentum=0.9, nesterov=True) == pytest.approx(
        [0.905, 0.6745])


def test_sgd_weight_decay_adds_wd_times_p():
    # g = 0 + 0.5 * 2 = 1 -> p = 2 - 0.1
    assert run(SGD, [0.0], p0=2.0, lr=0.1, weight_decay=0.5) == pytest.approx([1.9])


def test_rmsprop_two_steps():
    # s1 = 0.1 * 4 = 0.4, p = 1 - 0.01 * 2 / sqrt(0.4)
    # s2 = 0.9 * 0.4 + 0.1 * 1 = 0.46, p -= 0.01 * 1 / sqrt(0.46)
    p1 = 1 - 0.01 * 2 / math.sqrt(0.4)
    p2 = p1 - 0.01 / math.sqrt(0.46)
    got = run(RMSProp, [2.0, 1.0], lr=0.01, alpha=0.9, eps=1e-12)
    assert got == pytest.approx([p1, p2], rel=1e-12)
    assert got[0] == pytest.approx(0.968377223, rel=1e-9)


def test_adam_two_steps_bias_corrected():
    # step 1: m = 0.1*g, v = 0.001*g^2, mhat = g, vhat = g^2 -> p -= lr * g / (|g| + eps)
    # step 2 (g1 = 2, g2 = -1): m = 0.09*2*... computed by hand below
    b1, b2, lr, eps = 0.9, 0.999, 0.1, 1e-8
    m1, v1 = 0.1 * 2.0, 0.001 * 4.0
    p1 = 1.0 - lr * (m1 / 0.1) / (math.sqrt(v1 / 0.001) + eps)
    m2, v2 = 0.9 * m1 + 0.1 * -1.0, 0.999 * v1 + 0.001 * 1.0
    p2 = p1 - lr * (m2 / (1 - b1 ** 2)) / (math.sqrt(v2 / (1 - b2 ** 2)) + eps)
    got = run(Adam, [2.0, -1.0], lr=lr)
    assert got == pytest.approx([p1, p2], rel=1e-12)
    assert got[0] == pytest.approx(0.9, rel=1e-8)  # the first step is lr in size
    assert got[1] == pytest.approx(0.9 - 0.1 * (0.08 / 0.19) / math.sqrt(0.004996 / 0.001999),
                                   rel=1e-7)


def test_adam_weight_decay_is_coupled_adamw_is_decoupled():
    # Adam: g = 0 + 0.5 * 1 -> first step -lr * sign = -0.1
    assert run(Adam, [0.0], lr=0.1, weight_decay=0.5) == pytest.approx([0.9])
    # AdamW: p = 1 - 0.1 * 0.5 * 1 = 0.95, then the Adam step from g = 0 is zero
    assert run(AdamW, [0.0], lr=0.1, weight_decay=0.5) == pytest.approx([0.95])
    # AdamW with a gradient: decay, then -lr * sign(g)
    assert run(AdamW, [3.0], lr=0.1, weight_decay=0.5) == pytest.approx([0.85])


@pytest.mark.parametrize("make", [
    lambda ps: SGD(ps, lr=0.1, momentum=0.9),
    lambda ps: RMSProp(ps, lr=0.05),
    lambda ps: Adam(ps, lr=0.1),
    lambda ps: AdamW(ps, lr=0.1, weight_decay=0.0),
])
def test_optimizers_minimise_a_quadratic_bowl(make):
    x, y = Value(3.0), Value(-2.0)
    opt = make([x, y])
    for _ in range(300):
        opt.zero_grad()
        loss = (x - 1.0) ** 2 + 3.0 * (y + 0.5) ** 2
        loss.backward()
        opt.step()
    assert x.data == pytest.approx(1.0, abs=2e-2)
    assert y.data == pytest.approx(-0.5, abs=2e-2)


def test_zero_grad_and_module_parameters():
    from tinygrad_scalar import MLP
    model = MLP(2, [3, 1], rng=0)
    opt = SGD(model, lr=0.1)
    assert opt.params == model.parameters()
    for p in opt.params:
        p.grad = 1.0
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


# ---------------------------------------------------------------- state
@pytest.mark.parametrize("cls, kw", [(SGD, {"lr": 0.1, "momentum": 0.5}), (RMSProp, {}),
                                     (Adam, {"lr": 0.01}), (AdamW, {})])
def test_state_dict_round_trip_continues_identically(cls, kw):
    grads = [0.3, -1.0, 2.0, 0.7, -0.2]
    ref = run(cls, grads, **kw)
    p = Value(1.0)
    opt = cls([p], **kw)
    for g in grads[:2]:
        p.grad = g
        opt.step()
    saved = json.loads(json.dumps(opt.state_dict()))
    q = Value(p.data)
    opt2 = cls([q], **kw)
    opt2.load_state_dict(saved)
    out = []
    for g in grads[2:]:
        q.grad = g
        opt2.step()
        out.append(q.data)
    assert out == ref[2:]


def test_load_state_dict_refuses_mismatches_and_changes_nothing():
    p = Value(1.0)
    opt = Adam([p], lr=0.1)
    p.grad = 1.0
    opt.step()
    before = opt.state_dict()
    other = SGD([Value(0.0)], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="state is for optimizer 'SGD', not 'Adam'"):
        opt.load_state_dict(other)
    bad = dict(before, m=[1.0, 2.0])
    with pytest.raises(ValueError, match=r"state 'm' must be a list of 1 numbers, got 2 values"):
        opt.load_state_dict(bad)
    bad = dict(before, v=[float("nan")])
    with pytest.raises(ValueError, match=r"state 'v'\[0\] must be a finite number"):
        opt.load_state_dict(bad)
    with pytest.raises(ValueError, match="expected a dict, got list"):
        opt.load_state_dict([])
    assert opt.state_dict() == before


def test_step_with_a_bad_gradient_changes_nothing():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    opt = Adam([a, b], lr=0.1)
    a.grad, b.grad = 1.0, float("nan")
    with pytest.raises(FloatingPointError, match=r"gradient of parameter 1 \(b\) is nan"):
        opt.step()
    assert (a.data, b.data, opt.t, opt.m) == (1.0, 2.0, 0, [0.0, 0.0])


@pytest.mark.parametrize("call, msg", [
    (lambda: SGD([Value(1.0)], lr=0), "SGD: lr must be > 0, got 0.0"),
    (lambda: SGD([Value(1.0)], lr=0.1, momentum=1.0), r"momentum must be in \[0, 1\), got 1.0"),
    (lambda: SGD([Value(1.0)], lr=0.1, nesterov=True), "nesterov=True needs momentum > 0"),
    (lambda: Adam([Value(1.0)], betas=(0.9,)), "betas must be a pair"),
    (lambda: Adam([], lr=0.1), "empty parameter list"),
    (lambda: RMSProp([Value(1.0), 2.0]), "parameter 1 must be a Value, got float"),
])
def test_bad_hyper_parameters(call, msg):
    with pytest.raises((ValueError, TypeError), match=msg):
        call()


def test_shared_parameter_is_refused():
    p = Value(1.0)
    with pytest.raises(ValueError, match="appears more than once"):
        SGD([p, p], lr=0.1)


# ---------------------------------------------------------------- hyper-parameters set later
HYPERS = [(SGD, {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.1}, ["lr", "momentum", "weight_decay"]),
          (RMSProp, {"weight_decay": 0.1}, ["lr", "alpha", "eps", "weight_decay"]),
          (Adam, {}, ["lr", "eps", "weight_decay"]),
          (AdamW, {}, ["lr", "eps", "weight_decay"])]


@pytest.mark.parametrize("cls, kw, attr", [(c, kw, a) for c, kw, attrs in HYPERS for a in attrs])
@pytest.mark.parametrize("bad, error", [(math.nan, ValueError), (math.inf, ValueError),
                                        (-1, ValueError), ("0.1", TypeError), (None, TypeError),
                                        (True, TypeError), ([0.1], TypeError)])
@pytest.mark.silent  # once a wrong result without a word
def test_setting_a_bad_hyper_parameter_is_refused_and_changes_nothing(cls, kw, attr, bad, error):
    p = Value(1.0)
    opt = cls([p], **kw)
    before = getattr(opt, attr)
    with pytest.raises(error, match=rf"^{cls.__name__}: {attr} must be "):
        setattr(opt, attr, bad)
    assert getattr(opt, attr) == before
    ref = Value(1.0)
    twin = cls([ref], **kw)
    p.grad = ref.grad = 0.5
    opt.step()
    twin.step()
    assert p.data == ref.data  # the step used the value kept, not the one refused


@pytest.mark.parametrize("cls, attr, bad", [(SGD, "momentum", 1.0), (RMSProp, "alpha", 1.0),
                                            (RMSProp, "eps", 0.0), (Adam, "eps", 0)])
def test_hyper_parameters_keep_their_ranges_when_set(cls, attr, bad):
    opt = cls([Value(1.0)], lr=0.1)
    with pytest.raises(ValueError, match=rf"{cls.__name__}: {attr} must be"):
        setattr(opt, attr, bad)


@pytest.mark.parametrize("bad, error, msg", [
    ((0.9,), ValueError, r"Adam: betas must be a pair \(beta1, beta2\), got \(0.9,\)"),
    ("ab", TypeError, r"Adam: betas must be a pair"),
    ((0.9, 1.0), ValueError, r"Adam: beta2 must be in \[0, 1\), got 1.0"),
    ((math.nan, 0.9), ValueError, "Adam: beta1 must be finite, got nan"),
    (("0.9", 0.9), TypeError, "Adam: beta1 must be a number"),
])
def test_setting_bad_betas_is_refused(bad, error, msg):
    opt = Adam([Value(1.0)], lr=0.1)
    with pytest.raises(error, match=msg):
        opt.betas = bad
    assert opt.betas == (0.9, 0.999)
    opt.betas = [0.5, 0.5]
    assert opt.betas == (0.5, 0.5)


def test_lr_may_be_set_down_to_zero_and_that_state_loads():
    # a schedule may anneal the rate to 0; the optimizer's state must still round-trip
    opt = SGD([Value(1.0)], lr=0.1, momentum=0.9)
    opt.lr = 0
    assert opt.lr == 0.0 and isinstance(opt.lr, float)
    other = SGD([Value(1.0)], lr=0.5, momentum=0.9)
    other.load_state_dict(json.loads(json.dumps(opt.state_dict())))
    assert other.lr == 0.0
    with pytest.raises(ValueError, match="SGD: lr must be > 0, got 0.0"):
        SGD([Value(1.0)], lr=0.0)  # a new optimizer with no step at all is a mistake


# ---------------------------------------------------------------- bad parameters at step()
MAKERS = [lambda ps: SGD(ps, lr=0.1), lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1),
          lambda ps: RMSProp(ps, lr=0.1), lambda ps: Adam(ps, lr=0.1),
          lambda ps: AdamW(ps, lr=0.1, weight_decay=0.1)]


def stepped_once(make):
    """An optimizer one step in, on parameters a, b (labelled) and an unlabelled third."""
    ps = [Value(1.0, label="a"), Value(-2.0, label="b"), Value(0.5)]
    opt = make(ps)
    for p, g in zip(ps, [0.3, -0.2, 0.1]):
        p.grad = g
    opt.step()
    return ps, opt


def unchanged(ps, opt):
    return repr(([p.data for p in ps], [p.grad for p in ps], opt.state_dict()))


@pytest.mark.parametrize("make", MAKERS)
@pytest.mark.parametrize("where, bad, error, msg", [
    ("data", "x", TypeError, r"\.step: parameter 1 \(b\) is 'x' \(str\), not a number"),
    ("data", None, TypeError, r"\.step: parameter 1 \(b\) is None \(NoneType\), not a number"),
    ("data", math.nan, FloatingPointError, r"\.step: parameter 1 \(b\) is nan"),
    ("data", -math.inf, FloatingPointError, r"\.step: parameter 1 \(b\) is -inf"),
    ("grad", "x", TypeError, r"\.step: gradient of parameter 1 \(b\) is 'x' \(str\), not a number"),
    ("grad", Value(1.0), TypeError,
     r"\.step: gradient of parameter 1 \(b\) is Value\(data=1, grad=0\) \(Value\), not a number"),
    ("grad", math.inf, FloatingPointError, r"\.step: gradient of parameter 1 \(b\) is inf"),
])
@pytest.mark.silent  # once a wrong result without a word
def test_a_bad_parameter_is_named_and_the_step_changes_nothing(make, where, bad, error, msg):
    ps, opt = stepped_once(make)
    setattr(ps[1], where, bad)
    before = unchanged(ps, opt)
    with pytest.raises(error, match=type(opt).__name__ + msg + "; no parameter was changed"):
        opt.step()
    assert unchanged(ps, opt) == before


def test_an_unlabelled_parameter_is_named_by_its_index():
    ps, opt = stepped_once(MAKERS[3])
    ps[2].data = "0.5"
    with pytest.raises(TypeError, match=r"Adam\.step: parameter 2 is '0.5' \(str\)"):
        opt.step()


def test_an_update_that_overflows_is_refused_and_changes_nothing():
    w, u = Value(1.0, label="u"), Value(-1e308, label="w")
    opt = SGD([w, u], lr=1e300)
    w.grad, u.grad = 0.5, 1e10  # lr * grad overflows to inf
    with pytest.raises(FloatingPointError, match=r"SGD\.step: the update would make parameter 1 "
                                                 r"\(w\) -inf .*; no parameter was changed"):
        opt.step()
    assert (w.data, u.data, opt.t) == (1.0, -1e308, 0)


def test_a_state_that_would_overflow_is_refused():
    # g * g overflows: v would become inf while the parameter stays finite (and never moves again)
    w = Value(1.0, label="w")
    opt = Adam([w], lr=0.1)
    w.grad = 1e200
    with pytest.raises(FloatingPointError, match=r"Adam\.step: the update would make state 'v'\[0\] "
                                                 r"inf \(parameter 0 \(w\), gradient 1e\+200\)"):
        opt.step()
    assert (w.data, opt.m, opt.v, opt.t) == (1.0, [0.0], [0.0], 0)


def test_a_check_sum_that_overflows_does_not_refuse_finite_values():
    a, b = Value(1e308), Value(1e308)
    opt = SGD([a, b], lr=0.5)
    a.grad = b.grad = 1.0
    opt.step()  # the sum of the new values is inf; every value is finite
    assert (a.data, b.data, opt.t) == (1e308 - 0.5, 1e308 - 0.5, 1)
    assert type(a.data) is float
