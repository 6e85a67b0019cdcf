"""Sequential, Linear, the activations, BatchNorm1d and the initialisations: hand-computed
values, PyTorch's numbers where it is installed, and finite differences."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from tinygrad_scalar import MLP, Value
from tinygrad_scalar.nn import (
    BatchNorm1d,
    Dropout,
    Linear,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
    is_batch,
)
from tinygrad_scalar.nn.init import INITS, init_weight


def test_is_batch_tells_rows_from_batches():
    assert not is_batch([1.0, 2]) and not is_batch((Value(1.0),))
    assert is_batch([[1.0]]) and is_batch(([1.0], [2.0]))
    with pytest.raises(ValueError, match="empty"):
        is_batch([])
    np = pytest.importorskip("numpy", reason="NumPy is not installed")
    assert is_batch(np.zeros((2, 3))) and not is_batch(np.zeros(3))


def test_linear_by_hand_and_names():
    lin = Linear(2, 2, init="zeros")
    lin.weight[0][0].data, lin.weight[0][1].data, lin.bias[1].data = 2.0, -1.0, 0.5
    assert [v.data for v in lin([3.0, 4.0])] == [2.0, 0.5]
    assert [n for n, _ in lin.named_parameters()] == [
        "weight.0.0", "weight.0.1", "weight.1.0", "weight.1.1", "bias.0", "bias.1"]
    assert [n for n, _ in Linear(2, 1, bias=False, rng=0).named_parameters()] == [
        "weight.0.0", "weight.0.1"]
    with pytest.raises(ValueError, match="Linear expects 2 inputs, got 3"):
        lin([1.0, 2.0, 3.0])


def test_activations_by_hand_on_rows_and_batches():
    assert [v.data for v in ReLU()([-1.0, 2.0])] == [0.0, 2.0]
    assert [[v.data for v in r] for r in Tanh()([[0.0], [100.0]])] == [[0.0], [1.0]]
    assert Sigmoid()([0.0])[0].data == 0.5
    with pytest.raises(TypeError, match="ReLU: a row must hold"):
        ReLU()(["a"])


def test_sequential_names_order_and_batches_give_the_rows_outputs():
    model = Sequential(Linear(3, 4, rng=0), Tanh(), Linear(4, 2, rng=1))
    names = [n for n, _ in model.named_parameters()]
    assert names[0] == "0.weight.0.0" and names[-1] == "2.bias.1" and len(names) == 26
    assert [n for n, _ in model.named_children()] == ["0", "1", "2"]
    assert len(model) == 3 and isinstance(model[1], Tanh) and list(model)[2] is model[2]
    rows = [[0.1, -0.2, 0.3], [1.0, 2.0, -1.0]]
    one_by_one = [[v.data for v in model(r)] for r in rows]
    assert [[v.data for v in out] for out in model(rows)] == one_by_one
    with pytest.raises(TypeError, match="Sequential: item 0 must be a Module"):
        Sequential(len)


def test_sequential_with_dropout_draws_masks_row_by_row():
    a = Sequential(Linear(2, 8, rng=0), Dropout(0.5, rng=3))
    b = Sequential(Linear(2, 8, rng=0), Dropout(0.5, rng=3))
    rows = [[1.0, 2.0], [3.0, -1.0]]
    assert [[v.data for v in o] for o in a(rows)] == [[v.data for v in b(r)] for r in rows]


def test_mlp_is_a_sequential_with_the_old_names_and_order():
    m = MLP(2, [3, 1], dropout=0.1, rng=0)
    assert isinstance(m, Sequential)
    assert [type(x).__name__ for x in m] == ["Layer", "Dropout", "Layer"]
    assert list(m.state_dict())[:4] == ["L0.N0.w0", "L0.N0.w1", "L0.N0.b", "L0.N1.w0"]
    assert m.layers[0].weight[1] == m.layers[0].neurons[1].w
    assert m.layers[0].bias[2] is m.layers[0].neurons[2].b
    m.eval()
    out = m([[1.0, 2.0], [0.0, 1.0]])
    assert [o.data for o in out] == [m([1.0, 2.0]).data, m([0.0, 1.0]).data]


# ------------------------------------------------------------------ BatchNorm1d
def test_batchnorm_training_by_hand():
    bn = BatchNorm1d(2)
    bn.weight[1].data, bn.bias[1].data = 2.0, 0.5
    out = bn([[1.0, 0.0], [3.0, 4.0], [5.0, 2.0]])
    # feature 0: mean 3, biased variance 8/3; feature 1: mean 2, variance 8/3
    s = 1.0 / math.sqrt(8.0 / 3.0 + 1e-5)
    assert [r[0].data for r in out] == pytest.approx([-2 * s, 0.0, 2 * s], abs=1e-14)
    assert [r[1].data for r in out] == pytest.approx([-4 * s + 0.5, 4 * s + 0.5, 0.5], abs=1e-14)
    # running statistics: momentum 0.1, unbiased variance 4 for both features
    assert bn.running_mean == pytest.approx([0.3, 0.2], abs=1e-15)
    assert bn.running_var == pytest.approx([0.9 + 0.4, 0.9 + 0.4], abs=1e-15)
    assert bn.num_batches_tracked == 1


def test_batchnorm_eval_uses_running_statistics_and_one_row_works():
    bn = BatchNorm1d(1)
    bn.running_mean, bn.running_var = [2.0], [4.0]
    bn.eval()
    assert bn([6.0])[0].data == pytest.approx(4.0 / math.sqrt(4.0 + 1e-5), abs=1e-14)
    assert bn.running_mean == [2.0]


def test_batchnorm_refuses_a_batch_of_one_in_training():
    with pytest.raises(ValueError, match="more than 1 value per channel when training"):
        BatchNorm1d(3)([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        BatchNorm1d(1)([1.0])
    with pytest.raises(ValueError, match="expects 2 features, row 1 has 1"):
        BatchNorm1d(2)([[1.0, 2.0], [1.0]])


def test_batchnorm_momentum_none_is_a_cumulative_average_and_options():
    bn = BatchNorm1d(1, momentum=None)
    bn([[0.0], [2.0]])
    bn([[4.0], [6.0]])
    assert bn.running_mean == pytest.approx([3.0]) and bn.num_batches_tracked == 2
    plain = BatchNorm1d(1, affine=False, track_running_stats=False)
    assert plain.parameters() == [] and plain.state_dict() == {}
    plain.eval()
    assert [r[0].data for r in plain([[0.0], [2.0]])] == pytest.approx([-1.0, 1.0], abs=1e-5)


def test_batchnorm_gradients_match_finite_differences():
    rows = [[0.3, -1.0], [1.2, 0.5], [-0.7, 2.0], [0.1, 0.1]]
    coef = [[1.0, -2.0], [0.5, 3.0], [-1.0, 0.2], [2.0, 1.0]]

    def loss_of(xs):
        bn = BatchNorm1d(2)
        bn.weight[0].data, bn.bias[1].data = 1.5, -0.3
        out = bn(xs)
        return sum((o * c) * o for r, cr in zip(out, coef) for o, c in zip(r, cr))

    leaves = [[Value(v) for v in r] for r in rows]
    loss = loss_of(leaves)
    loss.backward()
    h = 1e-6
    for i in range(4):
        for j in range(2):
            up = [list(r) for r in rows]
            down = [list(r) for r in rows]
            up[i][j] += h
            down[i][j] -= h
            fd = (loss_of(up).data - loss_of(down).data) / (2 * h)
            assert leaves[i][j].grad == pytest.approx(fd, rel=1e-5, abs=1e-6)


def test_batchnorm_state_dict_and_load_check_the_buffers():
    model = Sequential(Linear(2, 2, rng=0), BatchNorm1d(2))
    model([[1.0, 2.0], [3.0, 5.0]])
    state = model.state_dict()
    assert "1.running_var.1" in state and state["1.num_batches_tracked"] == 1
    other = Sequential(Linear(2, 2, rng=5), BatchNorm1d(2))
    other.load_state_dict(state)
    assert other[1].running_mean == model[1].running_mean and other[1].num_batches_tracked == 1
    bad = dict(state, **{"1.running_var.0": -1.0})
    before = other.state_dict()
    with pytest.raises(ValueError, match="running_var.0.*variance must be >= 0"):
        other.load_state_dict(bad)
    assert other.state_dict() == before
    with pytest.raises(ValueError, match="missing.*running_mean"):
        other.load_state_dict({k: v for k, v in state.items() if "running_mean" not in k})


def _flat(rows):
    return [v for row in rows for v in row]


def test_batchnorm_matches_torch_in_training_and_eval():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    r = random.Random(0)
    batches = [[[r.gauss(1.0, 2.0) for _ in range(3)] for _ in range(5)] for _ in range(3)]
    ours = BatchNorm1d(3, momentum=0.2)
    theirs = torch.nn.BatchNorm1d(3, momentum=0.2).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor([1.5, -0.5, 2.0], dtype=torch.float64))
        theirs.bias.copy_(torch.tensor([0.1, 0.2, -0.3], dtype=torch.float64))
    for c, (w, b) in enumerate([(1.5, 0.1), (-0.5, 0.2), (2.0, -0.3)]):
        ours.weight[c].data, ours.bias[c].data = w, b
    for xs in batches:
        leaves = [[Value(v) for v in row] for row in xs]
        out = ours(leaves)
        loss = sum(o * o * (k + 1) for row in out for k, o in enumerate(row))
        loss.backward()
        tx = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
        ty = theirs(tx)
        (ty * ty * torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)).sum().backward()
        assert _flat([[o.data for o in row] for row in out]) == pytest.approx(
            _flat(ty.tolist()), abs=1e-12)
        assert _flat([[v.grad for v in row] for row in leaves]) == pytest.approx(
            _flat(tx.grad.tolist()), abs=1e-10)
        assert [w.grad for w in ours.weight] == pytest.approx(theirs.weight.grad.tolist(), abs=1e-10)
        theirs.zero_grad()
        ours.zero_grad()
    assert ours.running_mean == pytest.approx(theirs.running_mean.tolist(), abs=1e-12)
    assert ours.running_var == pytest.approx(theirs.running_var.tolist(), abs=1e-12)
    assert ours.num_batches_tracked == theirs.num_batches_tracked.item()
    ours.eval()
    theirs.eval()
    row = [0.3, -2.0, 4.0]
    got = [v.data for v in ours(row)]
    assert got == pytest.approx(theirs(torch.tensor([row], dtype=torch.float64))[0].tolist(), abs=1e-12)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        torch.nn.BatchNorm1d(3)(torch.zeros(1, 3))  # PyTorch refuses it too
    ours.train()
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        ours([row])


def test_fit_trains_a_sequential_with_batchnorm_and_compiled_refuses_it(tmp_path):
    from tinygrad_scalar import fit
    from tinygrad_scalar.data import make_moons
    from tinygrad_scalar.optim import Adam
    from tinygrad_scalar.train import load_checkpoint
    X, y = make_moons(n=60, noise=0.1, rng=0)
    model = Sequential(Linear(2, 8, rng=0), BatchNorm1d(8), ReLU(), Linear(8, 2, rng=1))
    opt = Adam(model.parameters(), lr=0.05)
    with pytest.raises(ValueError, match="compiled=True cannot trace BatchNorm1d"):
        fit(model, "cross_entropy", opt, X, y, epochs=1, shuffle=False, compiled=True,
            progress=False)
    h = fit(model, "cross_entropy", opt, X, y, epochs=15, batch_size=20, progress=False,
            checkpoint=tmp_path / "bn.json")
    assert h["accuracy"][-1] > 0.8 and model[1].num_batches_tracked == 45
    from tinygrad_scalar import predict
    model.eval()
    by_row = [[v.data for v in model(row)] for row in X[:5]]
    model.train()
    assert predict(model, X[:5], batch_size=2) == by_row and model.training
    again = Sequential(Linear(2, 8, rng=3), BatchNorm1d(8), ReLU(), Linear(8, 2, rng=4))
    load_checkpoint(tmp_path / "bn.json", again)
    assert again.state_dict() == model.state_dict()


# ------------------------------------------------------------------ initialisations
@pytest.mark.parametrize("kind, std", [
    ("normal", 0.5), ("lecun", math.sqrt(1 / 50)), ("he", math.sqrt(2 / 50)),
    ("he_normal", math.sqrt(2 / 50)), ("xavier_normal", math.sqrt(2 / 80)),
    ("uniform", math.sqrt(1 / 3)), ("he_uniform", math.sqrt(2 / 50)),
    ("xavier", math.sqrt(2 / 80)), ("xavier_uniform", math.sqrt(2 / 80)),
    ("lecun_uniform", math.sqrt(1 / 50)),
])
def test_init_spreads(kind, std):
    r = random.Random(0)
    ws = [init_weight(kind, 50, 30, r, std=0.5 if kind == "normal" else None)
          for _ in range(20000)]
    assert abs(statistics.fmean(ws)) < 0.03 * std * 3
    assert statistics.pstdev(ws) == pytest.approx(std, rel=0.03)


def test_init_options_per_layer_and_refusals():
    assert all(p.data == 0.0 for p in MLP(3, [4, 2], init="zeros", rng=0).parameters())
    m = MLP(3, [4, 2], init=["normal", "zeros"], std=2.0, rng=0)
    assert statistics.pstdev([w.data for w in m.layers[0].weight[0]]) > 0.1
    assert all(w.data == 0.0 for row in m.layers[1].weight for w in row)
    assert set(INITS) >= {"zeros", "normal", "uniform", "lecun", "he", "he_uniform",
                          "xavier", "xavier_normal"}
    with pytest.raises(ValueError, match="std is for init='normal' only"):
        MLP(2, [1], init="he", std=0.1)
    with pytest.raises(ValueError, match="init must be one of"):
        Linear(2, 1, init="orthogonal")
    with pytest.raises(ValueError, match="2 layers but 1 inits"):
        MLP(2, [3, 1], init=["he"])


def test_mlp_to_sequential_shares_values_and_gives_pytorch_names():
    m = MLP(3, [4, 2], activation="tanh", dropout=0.2, rng=0)
    seq = m.to_sequential()
    assert [type(x).__name__ for x in seq] == ["Linear", "Tanh", "Dropout", "Linear"]
    assert seq[2] is m.dropouts[0]
    assert {id(p) for p in seq.parameters()} == {id(p) for p in m.parameters()}
    assert seq.state_dict()["3.weight.1.2"] == m.state_dict()["L1.N1.w2"]
    m.eval()
    seq.eval()
    assert [v.data for v in seq([0.1, 0.2, 0.3])] == [v.data for v in m([0.1, 0.2, 0.3])]
    with pytest.raises(TypeError, match="Linear.from_values: weight"):
        Linear.from_values([[1.0]])


def test_a_checkpoint_that_fails_to_load_leaves_the_running_statistics_alone(tmp_path):
    import json

    from tinygrad_scalar.optim import Adam
    from tinygrad_scalar.train import load_checkpoint, save_checkpoint
    model = Sequential(Linear(2, 2, rng=0), BatchNorm1d(2))
    model([[1.0, 2.0], [3.0, 5.0]])
    opt = Adam(model.parameters(), lr=0.01)
    save_checkpoint(tmp_path / "c.json", model, opt)
    data = json.loads((tmp_path / "c.json").read_text())
    data["optimizer"]["m"] = "broken"
    (tmp_path / "c.json").write_text(json.dumps(data))
    other = Sequential(Linear(2, 2, rng=1), BatchNorm1d(2))
    before = other.state_dict()
    with pytest.raises(ValueError, match="load_checkpoint"):
        load_checkpoint(tmp_path / "c.json", other, Adam(other.parameters(), lr=0.01))
    assert other.state_dict() == before
