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
    assert type(no_bias).__name__ == "Sequential" and no_bias[0].bias is None


@pytest.mark.parametrize("seq, message", [
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.GELU()),
     r"module 1 \(GELU\) has no counterpart here"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(4, 1)),
     "a Linear with 4 inputs follows a layer of 3 outputs"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(2)),
     "a BatchNorm1d with 2 inputs follows a layer of 3 outputs"),
    (lambda: torch.nn.Sequential(), "has no Linear layer"),
    (lambda: torch.nn.Sequential(torch.nn.ReLU()), "has no Linear layer"),
])
def test_from_torch_names_what_it_cannot_carry(seq, message) -> None:
    with pytest.raises(ValueError, match=f"from_torch: .*{message}"):
        from_torch(seq())


@pytest.mark.parametrize("seq", [
    lambda: torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(2, 3)),
    lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Tanh()),
    lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Dropout(0.1),
                                torch.nn.Linear(3, 3), torch.nn.Dropout(0.2),
                                torch.nn.Linear(3, 1)),
    lambda: torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Dropout(0.1)),
    lambda: torch.nn.Sequential(torch.nn.Linear(2, 3, bias=False), torch.nn.Tanh()),
])
def test_what_an_mlp_cannot_hold_comes_back_as_a_sequential(seq) -> None:
    torch.manual_seed(0)
    t = seq().double().eval()
    m = from_torch(t)
    assert type(m).__name__ == "Sequential" and not m.training
    assert [type(x).__name__ for x in to_torch(m)] == [type(x).__name__ for x in t]
    x = [[0.5, -1.0], [2.0, 0.25]]
    ours = m(x)
    theirs = t(torch.tensor(x, dtype=torch.float64)).tolist()
    for row, row_t in zip(ours, theirs):
        assert [v.data for v in row] == pytest.approx(row_t, rel=1e-13, abs=1e-15)


def batchnorm_model() -> torch.nn.Sequential:
    torch.manual_seed(1)
    t = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4, momentum=0.2),
                            torch.nn.ReLU(), torch.nn.Linear(4, 2)).double()
    with torch.no_grad():
        t[1].weight.uniform_(0.5, 1.5)
        t[1].bias.uniform_(-0.5, 0.5)
    return t


def test_batchnorm_round_trips_with_its_running_statistics() -> None:
    t = batchnorm_model()
    t.train()
    t(torch.tensor(X, dtype=torch.float64))  # moves the running statistics once
    m = from_torch(t)
    bn = m[1]
    assert type(bn).__name__ == "BatchNorm1d" and bn.momentum == 0.2 and bn.eps == 1e-5
    assert bn.running_mean == t[1].running_mean.tolist() and bn.num_batches_tracked == 1
    assert bn.running_var == t[1].running_var.tolist()
    again = to_torch(m)
    for (name, a), (_, b) in zip(t.state_dict().items(), again.state_dict().items()):
        assert torch.equal(a, b), name
    assert m.state_dict() == from_torch(again).state_dict()


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_forward_and_gradients_match_pytorch(training: bool) -> None:
    t = batchnorm_model().train(training)
    m = from_torch(t)
    outs = m(X)
    loss = Value.sum([o * o for row in outs for o in row])
    loss.backward()
    out_t = t(torch.tensor(X, dtype=torch.float64))
    (out_t ** 2).sum().backward()
    for row, row_t in zip(outs, out_t.tolist()):
        assert [o.data for o in row] == pytest.approx(row_t, rel=1e-12, abs=1e-14)
    grads_t = dict(t.named_parameters())
    for name, p in m.named_parameters():  # our names are PyTorch's: 0.weight.j.k, 1.bias.c
        parts = name.split(".")
        g = grads_t[".".join(parts[:2])].grad[tuple(int(i) for i in parts[2:])].item()
        assert p.grad == pytest.approx(g, rel=1e-10, abs=1e-12), name
    if training:  # one step of the running statistics, as PyTorch's
        assert m[1].running_mean == pytest.approx(t[1].running_mean.tolist(), rel=1e-14)


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
