"""NumPy scalars and 0-d arrays are numbers to Value, the math functions, Dual and custom ops."""

from __future__ import annotations

import math
import operator

import pytest

from tinygrad_scalar import Dual, Value, custom_op
from tinygrad_scalar import math as tmath
from tinygrad_scalar.core.checks import aliases, as_list

np = pytest.importorskip("numpy", reason="NumPy is optional; these tests check its types")

SCALARS = [np.float32(1.5), np.float64(1.5), np.int64(3), np.array(2.0)]


@pytest.mark.parametrize("x", SCALARS, ids=repr)
def test_value_of_a_numpy_number_holds_a_plain_float(x):
    v = Value(x)
    assert type(v.data) is float and v.data == float(x)


OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
       "**": operator.pow}


@pytest.mark.parametrize("x", SCALARS, ids=repr)
@pytest.mark.parametrize("op", list(OPS))
@pytest.mark.parametrize("left", [False, True], ids=["value_first", "numpy_first"])
def test_numpy_number_on_either_side_gives_a_value_and_the_right_gradient(x, op, left):
    fn, c = OPS[op], float(x)
    f = (lambda t: fn(c, t)) if left else (lambda t: fn(t, c))
    a = Value(1.25)
    out = fn(x, a) if left else fn(a, x)
    assert type(out) is Value
    assert type(out.data) is float
    assert out.data == pytest.approx(f(1.25))
    out.backward()
    h = 1e-6
    assert a.grad == pytest.approx((f(1.25 + h) - f(1.25 - h)) / (2 * h), rel=1e-5)


@pytest.mark.parametrize("x", SCALARS, ids=repr)
def test_math_functions_dual_and_custom_ops_take_numpy_numbers(x):
    assert tmath.sin(x) == pytest.approx(math.sin(float(x)))
    assert type(tmath.sin(x)) is float
    d = Dual(x, np.float32(1.0)) * x
    assert (d.primal, d.tangent) == pytest.approx((float(x) ** 2, float(x)))
    assert type(d.primal) is float
    assert type(x * Dual(1.0, 1.0)) is Dual
    cube = custom_op("np_cube_" + type(x).__name__, lambda t: t ** 3, lambda t: (3 * t * t,))
    v = Value(1.0)
    out = cube(v * x)
    out.backward()
    assert out.data == pytest.approx(float(x) ** 3)
    assert v.grad == pytest.approx(3 * float(x) ** 3)


def test_dot_and_sum_take_arrays():
    a, b = Value(1.0), Value(2.0)
    out = Value.dot(np.array([3.0, 4.0]), [a, b], np.float32(0.5))
    out.backward()
    assert out.data == 11.5 and (a.grad, b.grad) == (3.0, 4.0)
    assert Value.dot([a, b], np.array([1, 1])).data == 3.0
    assert Value.sum(np.array([1.0, 2.0])).data == 3.0


def test_as_list_reads_arrays_and_refuses_a_number():
    assert as_list(np.array([[1, 2], [3, 4]]), "f", "X") == [[1, 2], [3, 4]]
    assert type(as_list(np.array([1.5]), "f", "X")[0]) is float
    assert as_list((x for x in range(2)), "f", "X") == [0, 1]
    for bad in (np.array(1.0), np.float64(1.0), "ab", 3, {"a": 1}):
        with pytest.raises(TypeError, match="f: X must be a sequence"):
            as_list(bad, "f", "X")


def test_aliases_refuse_both_names():
    @aliases(random_state="rng")
    def g(n=1, rng=None):
        return n, rng

    assert g(random_state=3) == (1, 3)
    with pytest.raises(TypeError, match="give rng or its alias random_state, not both"):
        g(1, 2, random_state=3)
    with pytest.raises(TypeError, match="not both"):
        g(rng=2, random_state=3)
