"""nn.modules: Neuron, Layer, MLP and Dropout: shapes, errors, injected randomness,
gradients, activations, initialisation and state."""

from __future__ import annotations

import ast
import json
import math
import random
import statistics
from pathlib import Path

import pytest
from checks import central_differences

from tinygrad_scalar import MLP, Layer, Neuron, Value, nn
from tinygrad_scalar.naive import grad as beta_grad
from tinygrad_scalar.nn import Dropout


def test_mlp_shapes_and_return_types():
    model = MLP(3, [4, 1], rng=0)
    assert isinstance(model([1.0, 2.0, 3.0]), Value)
    multi = MLP(3, [4, 2], rng=0)
    out = multi([1.0, 2.0, 3.0])
    assert isinstance(out, list) and len(out) == 2
    assert len(model.parameters()) == (3 + 1) * 4 + (4 + 1) * 1


def test_layer_always_returns_a_list():
    out = Layer(2, 1, rng=0)([1.0, -1.0])
    assert isinstance(out, list) and len(out) == 1


def test_one_neuron_hidden_layer_works():
    model = MLP(2, [1, 3, 1], rng=0)
    y = model([0.5, -0.5])
    y.backward()
    assert isinstance(y, Value)
    assert any(p.grad != 0 for p in model.parameters()[-4:])


def test_wrong_input_length_is_a_clear_error():
    with pytest.raises(ValueError, match="expects 3 inputs, got 2"):
        MLP(3, [4, 1], rng=0)([1.0, 2.0])


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="nin"):
        MLP(0, [4])
    with pytest.raises(ValueError, match="nouts"):
        MLP(2, [])
    with pytest.raises(ValueError, match="activation"):
        MLP(2, [3, 1], activation="swish")
    with pytest.raises(ValueError, match="2 layers but 1 activations"):
        MLP(2, [3, 1], activation=["relu"])
    with pytest.raises(TypeError, match="rng"):
        MLP(2, [3, 1], rng="seed")


def test_weights_come_from_the_injected_rng():
    a = MLP(2, [3, 1], rng=random.Random(7)).state_dict()
    b = MLP(2, [3, 1], rng=random.Random(7)).state_dict()
    c = MLP(2, [3, 1], rng=random.Random(8)).state_dict()
    assert a == b and a != c
    assert MLP(2, [3, 1], rng=7).state_dict() == a  # an int is a seed


def test_rng_none_draws_from_the_global_random_like_micrograd():
    random.seed(1337)
    model = MLP(2, [16, 16, 1], init="uniform")  # micrograd's initialisation
    random.seed(1337)
    # micrograd: each neuron draws random.uniform(-1, 1) per weight, in order; biases are 0
    want = []
    for nin, nout in [(2, 16), (16, 16), (16, 1)]:
        for _ in range(nout):
            want += [random.uniform(-1, 1) for _ in range(nin)] + [0.0]
    assert [p.data for p in model.parameters()] == want


def test_seeding_the_global_random_reproduces_a_model_and_none_shares_its_state():
    random.seed(1337)
    a = MLP(3, [4, 4, 2], dropout=0.5).state_dict()
    after_a = random.getstate()
    random.seed(1337)
    b = MLP(3, [4, 4, 2], dropout=0.5).state_dict()
    assert a == b and random.getstate() == after_a
    assert MLP(3, [4, 4, 2]).state_dict() != a  # the global generator moved on
    random.seed(1337)
    assert MLP(3, [4, 4, 2], rng=random.Random(1337)).state_dict() == a


def test_dropout_with_rng_none_uses_the_global_random():
    xs = [Value(1.0) for _ in range(200)]
    random.seed(3)
    got = [v.data != 0.0 for v in Dropout(0.5)(xs)]
    random.seed(3)
    assert got == [random.random() >= 0.5 for _ in xs]
    assert Dropout(0.5).rng is Dropout(0.5, rng=None).rng


def test_the_library_never_reseeds_the_global_random(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("library code reseeded the global random generator")

    monkeypatch.setattr(random, "seed", refuse)
    monkeypatch.setattr(random, "setstate", refuse)
    for rng in (None, 0, random.Random(1)):
        model = MLP(2, [4, 1], rng=rng, dropout=0.25)
        model([0.5, -0.5]).backward()
        Dropout(0.5, rng=rng)([Value(1.0), 2.0])
        Layer(2, 2, rng=rng, init="he")
        Neuron(2, rng=rng, init="uniform")
    calls = []
    for path in sorted(Path(nn.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("seed", "setstate")):
                calls.append(f"{path.name}:{node.lineno}")
    assert not calls, f"nn calls seed() or setstate(): {calls}"


def test_hidden_relu_and_linear_output_like_micrograd():
    model = MLP(2, [3, 1], rng=0)
    assert [n.activation for n in model.layers[0].neurons] == ["relu"] * 3
    assert model.layers[1].neurons[0].activation == "linear"
    # micrograd's uniform initialisation is available
    u = MLP(2, [3, 1], init="uniform", rng=0)
    assert all(-1.0 <= p.data <= 1.0 for p in u.parameters())


def test_mlp_gradients_match_central_differences_and_beta():
    model = MLP(2, [3, 1], activation="tanh", rng=1)
    params = model.parameters()
    x = [0.3, -0.8]
    y = model(x)
    y.backward()

    def f(*ps):
        old = [p.data for p in params]
        for p, v in zip(params, ps):
            p.data = v.data
        out = model(x).data
        for p, v in zip(params, old):
            p.data = v
        return Value(out)

    want = central_differences(f, [p.data for p in params])
    for p, w in zip(params, want):
        assert p.grad == pytest.approx(w, rel=1e-5, abs=1e-7)
        assert beta_grad(y, p) == pytest.approx(p.grad, rel=1e-9, abs=1e-12)


def test_zero_grad_and_named_parameters():
    model = MLP(2, [2, 1], rng=0)
    model([1.0, 1.0]).backward()
    assert any(p.grad for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    names = [n for n, _ in model.named_parameters()]
    assert names[:3] == ["L0.N0.w0", "L0.N0.w1", "L0.N0.b"]
    assert all(p.label == n for n, p in model.named_parameters())


def test_state_dict_round_trip_and_refusals_leave_model_untouched():
    model = MLP(2, [2, 1], rng=0)
    state = model.state_dict()
    other = MLP(2, [2, 1], rng=1)
    other.load_state_dict(state)
    assert other.state_dict() == state
    before = other.state_dict()
    with pytest.raises(ValueError, match="missing"):
        other.load_state_dict({k: v for k, v in state.items() if k != "L1.N0.b"})
    bad = dict(state, **{"L0.N0.w0": float("nan")})
    with pytest.raises(ValueError, match="L0.N0.w0"):
        other.load_state_dict(bad)
    with pytest.raises(ValueError, match="unexpected"):
        other.load_state_dict(dict(state, extra=1.0))
    assert other.state_dict() == before


def test_neuron_takes_values_or_numbers():
    n = Neuron(2, activation="linear", rng=0)
    n.w[0].data, n.w[1].data, n.b.data = 2.0, -1.0, 0.5
    assert n([3.0, 4.0]).data == 2.5
    assert n([Value(3.0), 4]).data == 2.5


# ---------------------------------------------------------------- training features

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


@pytest.mark.parametrize("p, error, msg", [
    (1.0, ValueError, r"Dropout: p must be in \[0, 1\), got 1.0"),
    (-0.1, ValueError, r"Dropout: p must be in \[0, 1\), got -0.1"),
    (1.5, ValueError, r"Dropout: p must be in \[0, 1\), got 1.5"),
    ("0.5", TypeError, r"Dropout: p must be a number, got '0.5' \(str\)"),
    (True, TypeError, r"Dropout: p must be a number, got True \(bool\)"),
])
def test_dropout_probability_is_checked(p, error, msg):
    with pytest.raises(error, match=msg):
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
    with pytest.raises(ValueError, match=r"MLP: dropout must be in \[0, 1\), got 1.0"):
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
