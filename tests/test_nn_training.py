"""Layer features used for training: Dropout, per-layer activations, initialisation, state."""

from __future__ import annotations

import json
import math
import statistics

import pytest

from tinygrad_scalar import MLP, Value
from tinygrad_scalar.nn import Dropout, Layer


def test_dropout_drops_about_p_and_scales_the_rest():
    d = Dropout(0.25, rng=1)
    xs = [Value(1.0) for _ in range(8000)]
    out = d(xs)
    dropped = sum(o.data == 0.0 for o in out)
    assert abs(dropped / len(xs) - 0.25) < 0.02
    assert {o.data for o in out} == {0.0, 1.0 / 0.75}
    total = Value.sum(out)
    total.backward()
    assert {x.grad for x, o in zip(xs, out) if o.data == 0.0} == {0.0}
    assert {x.grad for x, o in zip(xs, out) if o.data != 0.0} == {1.0 / 0.75}


def test_dropout_eval_is_the_identity_and_train_turns_it_back_on():
    d = Dropout(0.9, rng=0)
    xs = [Value(float(i + 1)) for i in range(50)]
    d.eval()
    assert d(xs) == xs
    d.train()
    assert any(o.data == 0.0 for o in d(xs))
    assert Dropout(0.0)(xs) == xs


@pytest.mark.parametrize("p", [1.0, -0.1, 1.5, "0.5", True])
def test_dropout_probability_is_checked(p):
    with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\)"):
        Dropout(p)


def test_mlp_dropout_only_in_training_mode_and_same_init_as_without():
    x = [0.4, -1.2]
    plain = MLP(2, [32, 32, 1], rng=7)
    drop = MLP(2, [32, 32, 1], rng=7, dropout=0.5)
    assert plain.state_dict() == drop.state_dict()
    train_outs = {drop(x).data for _ in range(5)}
    assert len(train_outs) > 1
    drop.eval()
    assert all(not c.training for c in drop.children())
    assert drop(x).data == drop(x).data == plain(x).data
    assert repr(drop) == "MLP(2, [32, 32, 1], activations=['relu', 'relu', 'linear'], dropout=0.5)"
    with pytest.raises(ValueError, match="MLP: dropout must be a probability"):
        MLP(2, [3, 1], dropout=1.0)


def test_activation_per_layer():
    m = MLP(3, [5, 4, 2], activation=["tanh", "sigmoid", "linear"], rng=0)
    assert [lay.neurons[0].activation for lay in m.layers] == ["tanh", "sigmoid", "linear"]
    h1 = m.layers[0]([1.0, -2.0, 3.0])
    h2 = m.layers[1](h1)
    assert all(-1 < v.data < 1 for v in h1) and all(0 < v.data < 1 for v in h2)
    with pytest.raises(ValueError, match="3 layers but 2 activations"):
        MLP(3, [5, 4, 2], activation=["tanh", "linear"])
    with pytest.raises(ValueError, match="activation must be one of relu, tanh, sigmoid, linear"):
        MLP(3, [2], activation="gelu")


@pytest.mark.parametrize("init, act, check", [
    ("he", "relu", lambda ws, nin, nout: abs(statistics.pstdev(ws) / math.sqrt(2 / nin) - 1) < 0.05),
    ("auto", "relu", lambda ws, nin, nout: abs(statistics.pstdev(ws) / math.sqrt(2 / nin) - 1) < 0.05),
    ("xavier", "tanh", lambda ws, nin, nout: max(map(abs, ws)) <= math.sqrt(6 / (nin + nout))
     and abs(statistics.pstdev(ws) / math.sqrt(2 / (nin + nout)) - 1) < 0.05),
    ("auto", "sigmoid", lambda ws, nin, nout: max(map(abs, ws)) <= math.sqrt(6 / (nin + nout))),
    ("uniform", "relu", lambda ws, nin, nout: max(map(abs, ws)) <= 1.0
     and abs(statistics.pstdev(ws) - 1 / math.sqrt(3)) < 0.02),
])
def test_initialisation_scales_with_fan_in(init, act, check):
    nin, nout = 100, 60
    layer = Layer(nin, nout, activation=act, init=init, rng=3)
    ws = [p.data for name, p in layer.named_parameters() if ".w" in name]
    assert len(ws) == nin * nout
    assert check(ws, nin, nout)


def test_state_dict_round_trip_through_json_and_architecture():
    a = MLP(4, [6, 3], rng=0)
    b = MLP(4, [6, 3], rng=1)
    b.load_state_dict(json.loads(json.dumps(a.state_dict())))
    x = [0.1, 0.2, -0.3, 0.4]
    assert [v.data for v in a(x)] == [v.data for v in b(x)]
    assert a.architecture() == b.architecture() == {
        "type": "MLP", "nin": 4, "nouts": [6, 3], "activations": ["relu", "linear"]}
    assert MLP(4, [6, 3], activation="tanh").architecture() != a.architecture()
    before = b.state_dict()
    with pytest.raises(ValueError, match=r"missing \['L1.N2.b'\]"):
        b.load_state_dict({k: v for k, v in a.state_dict().items() if k != "L1.N2.b"})
    assert b.state_dict() == before
    assert Layer(2, 1, rng=0).architecture() == {"type": "Layer",
                                                 "parameters": ["N0.w0", "N0.w1", "N0.b"]}
