"""Models and losses take NumPy arrays (and other array-likes) and give plain numbers."""

from __future__ import annotations

import pytest

from tinygrad_scalar import MLP, Value
from tinygrad_scalar.nn import Dropout, Layer, losses

np = pytest.importorskip("numpy", reason="NumPy is optional; these tests check its types")


def test_mlp_on_a_1d_array_equals_the_mlp_on_a_list():
    m = MLP(3, [4, 2], rng=0)
    x = [0.5, -1.0, 2.0]
    want = [o.data for o in m(x)]
    for same in (np.array(x), np.array(x, dtype=np.float32), tuple(x), (t for t in x)):
        got = m(same)
        assert all(type(o) is Value and type(o.data) is float for o in got)
        assert [o.data for o in got] == pytest.approx(want, rel=1e-6)


def test_layer_and_dropout_take_arrays():
    assert len(Layer(2, 3, rng=0)(np.array([1.0, 2.0]))) == 3
    assert Dropout(0.5, rng=0).eval()(np.array([1.0, 2.0])) == [1.0, 2.0]


def test_a_wrong_input_is_still_named():
    with pytest.raises(TypeError, match="MLP: x .*must be a sequence"):
        MLP(2, [1], rng=0)(np.float64(1.0))
    with pytest.raises(ValueError, match="expects 2 inputs, got 3"):
        MLP(2, [1], rng=0)(np.zeros(3))


@pytest.mark.parametrize("loss, outs, targets", [
    (losses.mse, [0.5, 1.5], [1.0, 1.0]),
    (losses.binary_cross_entropy, [0.5, -1.5], [1, 0]),
    (losses.hinge, [0.5, -1.5], [1, -1]),
    (losses.softmax_cross_entropy, [[0.5, 1.0], [2.0, -1.0]], [1, 0]),
])
def test_losses_take_targets_as_arrays(loss, outs, targets):
    want = loss(outs, targets).data
    for t in (np.array(targets), tuple(targets), np.array(targets, dtype=np.float64)):
        got = loss([[Value(z) for z in o] if isinstance(o, list) else Value(o) for o in outs], t)
        assert type(got) is Value and got.data == pytest.approx(want)


def test_one_sample_with_numpy_scalar_target():
    assert losses.mse(Value(1.0), np.float32(3.0)).data == pytest.approx(4.0)
    assert losses.softmax_cross_entropy([1.0, 1.0], np.int64(0)).data == pytest.approx(0.693147,
                                                                                      rel=1e-5)
