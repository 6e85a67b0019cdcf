"""to_torch / from_torch: exact round trips, and the same forward pass, gradients and
optimizer steps as PyTorch (float64)."""

from __future__ import annotations

import pytest

from tinygrad_scalar import MLP, Value, from_torch, to_torch
from tinygrad_scalar.data import make_moons
from tinygrad_scalar.losses import mse
from tinygrad_scalar.optim import SGD, Adam
from tinygrad_scalar.train import fit

torch = pytest.importorskip("torch", reason="PyTorch is not installed: the bridge is optional")

X = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-2.0, 1.0, 0.0], [0.1, 0.2, 0.3]]
Y = [0.5, -1.0, 2.0, 0.0]


def model(act: list[str] | str = "tanh", dropout: float = 0.0) -> MLP:
    return MLP(3, [5, 4, 1], activation=act, rng=7, dropout=dropout)


def torch_params(t: torch.nn.Sequential) -> dict[str, float]:
    """PyTorch's parameters under our names (L{i}.N{j}.w{k}, L{i}.N{j}.b)."""
    out = {}
    linears = [m for m in t if isinstance(m, torch.nn.Linear)]
    for i, lin in enumerate(linears):
        for j, row in enumerate(lin.weight.detach().tolist()):
            for k, w in enumerate(row):
                out[f"L{i}.N{j}.w{k}"] = w
            out[f"L{i}.N{j}.b"] = lin.bias[j].item()
    return out


def torch_grads(t: torch.nn.Sequential) -> dict[str, float]:
    out = {}
    linears = [m for m in t if isinstance(m, torch.nn.Linear)]
    for i, lin in enumerate(linears):
        for j, row in enumerate(lin.weight.grad.tolist()):
            for k, g in enumerate(row):
                out[f"L{i}.N{j}.w{k}"] = g
            out[f"L{i}.N{j}.b"] = lin.bias.grad[j].item()
    return out


@pytest.mark.parametrize("act", ["relu", "tanh", ["sigmoid", "relu", "linear"],
                                 ["linear", "tanh", "sigmoid"]])
def test_round_trips_are_exact(act: list[str] | str) -> None:
    m = model(act)
    t = to_torch(m)
    assert all(p.dtype == torch.float64 for p in t.parameters())
    assert torch_params(t) == m.state_dict()  # bit for bit
    back = from_torch(t)
    assert back.state_dict() == m.state_dict()
    assert back.architecture() == m.architecture()
    again = to_torch(back)
    for a, b in zip(t.parameters(), again.parameters()):
        assert torch.equal(a, b)
    assert [type(x).__name__ for x in again] == [type(x).__name__ for x in t]


def test_structure_and_mode() -> None:
    t = to_torch(MLP(2, [3, 3, 1], activation=["relu", "tanh", "sigmoid"], dropout=0.25, rng=0))
    assert [type(m).__name__ for m in t] == ["Linear", "ReLU", "Dropout", "Linear", "Tanh",
                                              "Dropout", "Linear", "Sigmoid"]
    assert t[2].p == 0.25 and t.training
    m = MLP(2, [1], rng=0).eval()
    assert not to_torch(m).training
    back = from_torch(t.eval())
    assert back.dropout == 0.25 and not back.training


@pytest.mark.parametrize("act", ["relu", "tanh", ["sigmoid", "tanh", "linear"]])
def test_forward_and_gradients_match_pytorch(act: list[str] | str) -> None:
    m = model(act)
    t = to_torch(m)
    outs = [m(x) for x in X]
    loss = mse(outs, Y)
    loss.backward()
    out_t = t(torch.tensor(X, dtype=torch.float64)).squeeze(1)
    loss_t = ((out_t - torch.tensor(Y, dtype=torch.float64)) ** 2).mean()
    loss_t.backward()
    for o, ot in zip(outs, out_t.tolist()):
        assert o.data == pytest.approx(ot, rel=1e-13, abs=1e-15)
    assert loss.data == pytest.approx(loss_t.item(), rel=1e-13)
    grads = torch_grads(t)
    for name, p in m.named_parameters():
        assert p.grad == pytest.approx(grads[name], rel=1e-12, abs=1e-15), name


@pytest.mark.parametrize("ours, theirs", [
    (lambda ps: SGD(ps, lr=0.1, momentum=0.9),
     lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9)),
    (lambda ps: Adam(ps, lr=0.01), lambda ps: torch.optim.Adam(ps, lr=0.01)),
])
def test_five_optimizer_steps_match_pytorch(ours, theirs) -> None:
    m = model("tanh")
    t = to_torch(m)
    opt, opt_t = ours(m.parameters()), theirs(t.parameters())
    xs, ys = torch.tensor(X, dtype=torch.float64), torch.tensor(Y, dtype=torch.float64)
    for _ in range(5):
        opt.zero_grad()
        mse([m(x) for x in X], Y).backward()
        opt.step()
        opt_t.zero_grad()
        ((t(xs).squeeze(1) - ys) ** 2).mean().backward()
        opt_t.step()
    theirs_now = torch_params(t)
    for name, v in m.state_dict().items():
        assert v == pytest.approx(theirs_now[name], rel=1e-12, abs=1e-14), name


def test_a_trained_model_round_trips_exactly() -> None:
    X2, y2 = make_moons(n=40, noise=0.1, rng=0)
    m = MLP(2, [8, 1], rng=0)
    fit(m, mse, SGD(m.parameters(), lr=0.05), X2, [float(v) for v in y2], epochs=3, seed=0,
        verbose=0)
    back = from_torch(to_torch(m))
    assert back.state_dict() == m.state_dict()
    assert [back(x).data for x in X2] == [m(x).data for x in X2]


def test_from_torch_reads_float32_and_a_single_linear() -> None:
    torch.manual_seed(0)
    lin = torch.nn.Linear(3, 2)  # float32 weights: widened to float64 exactly
    m = from_torch(lin)
    assert m.architecture() == {"type": "MLP", "nin": 3, "nouts": [2], "activations": ["linear"]}
    assert [n.b.data for n in m.layers[0].neurons] == [float(b) for b in lin.bias.detach()]
    no_bias = from_torch(torch.nn.Sequential(torch.nn.Linear(2, 1, bias=False), torch.nn.Tanh()))
    assert no_bias.layers[0].neurons[0].b.data == 0.0


@pytest.mark.parametrize("seq, message", [
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.GELU()),
     r"module 1 \(GELU\) has no counterpart here"),
    (lambda: torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(2, 3)),
     "must start with a Linear"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(4, 1)),
     "a Linear with 4 inputs follows one with 3 outputs"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Tanh()),
     "one activation per Linear"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Dropout(0.1),
                                 torch.nn.Linear(3, 3), torch.nn.Dropout(0.2),
                                 torch.nn.Linear(3, 1)),
     r"one dropout rate after every hidden layer, got \[0.1, 0.2\]"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Dropout(0.1)),
     "a Dropout after the last layer"),
    (lambda: torch.nn.Sequential(), "has no Linear layer"),
])
def test_from_torch_names_what_it_cannot_carry(seq, message) -> None:
    with pytest.raises(ValueError, match=f"from_torch: .*{message}"):
        from_torch(seq())


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="to_torch: model must be a Module, got list"):
        to_torch([Value(1.0)])
    with pytest.raises(TypeError, match="from_torch: module must be a torch.nn.Module, got MLP"):
        from_torch(MLP(2, [1], rng=0))
    lin = torch.nn.Linear(2, 1)
    with torch.no_grad():
        lin.weight[0, 0] = float("nan")
    with pytest.raises(ValueError, match="from_torch: .*not finite"):
        from_torch(lin)
