"""Custom operations: Alpha, Beta, forward mode, higher order, drawings, errors."""

from __future__ import annotations

import math

import pytest

from tinygrad_scalar import Dual, Value, custom_op, grad, hessian, jacobian, jvp, naive
from tinygrad_scalar.ops import cos, sin, softplus


def test_sin_everywhere():
    x = Value(0.8, label="x")
    y = sin(x) * x
    assert y.parents[0].op == "sin" and y.parents[0].parents == (x,)
    y.backward()
    want = math.cos(0.8) * 0.8 + math.sin(0.8)
    assert x.grad == pytest.approx(want, rel=1e-12)                 # Alpha
    assert naive.grad(y, x) == pytest.approx(want, rel=1e-12)       # Beta
    assert (sin(Dual(0.8, 1.0)) * Dual(0.8, 1.0)).tangent == pytest.approx(want)  # forward
    d = [lambda v: sin(v)]
    for _ in range(4):
        d.append(grad(d[-1]))
    closed = [math.sin, math.cos, lambda t: -math.sin(t), lambda t: -math.cos(t), math.sin]
    for k in range(1, 5):
        assert d[k](0.8) == pytest.approx(closed[k](0.8), rel=1e-12)
    assert sin(0.8) == math.sin(0.8) and isinstance(sin(2), float)
    assert cos(Value(0.0)).op == "cos"


def test_softplus_second_derivative_and_stability():
    s = 1 / (1 + math.exp(-0.3))
    assert grad(grad(softplus))(0.3) == pytest.approx(s * (1 - s), rel=1e-12)
    assert softplus(Value(800.0)).data == 800.0
    assert softplus(-800.0) == 0.0


def test_binary_and_ternary_custom_ops():
    hyp = custom_op("hypot", math.hypot, arity=2,
                    derivative=lambda a, b: (a / math.hypot(a, b), b / math.hypot(a, b)),
                    symbolic=lambda a, b: (a / hyp(a, b), b / hyp(a, b)))
    a, b = Value(3.0), Value(4.0)
    h = hyp(a, b)
    assert h.parents == (a, b) and h.op == "hypot"
    h.backward()
    assert (a.grad, b.grad) == (0.6, 0.8)
    # d2/da2 hypot = b**2 / r**3
    assert hessian(hyp)(3.0, 4.0)[0][0] == pytest.approx(16 / 125)
    assert jvp(hyp, (3.0, 4.0), (1.0, 1.0))[1] == pytest.approx(1.4)
    fma = custom_op("fma", lambda x, y, z: x * y + z, arity=3,
                    derivative=lambda x, y, z: (y, x, 1.0))
    f = lambda x, y, z: fma(x, y, z) * 2.0  # noqa: E731
    assert jacobian(f)(2.0, 3.0, 1.0) == [[6.0, 4.0, 2.0]]
    assert jacobian(f, mode="forward")(2.0, 3.0, 1.0) == [[6.0, 4.0, 2.0]]
    assert len(fma(Value(1.0), 2.0, 3).parents) == 3
    assert naive.grad(fma(a, a, b), a) == 6.0


def test_custom_op_errors():
    with pytest.raises(ValueError, match="name must be a non-empty str"):
        custom_op("", math.sin, math.cos)
    with pytest.raises(TypeError, match="derivative must be callable"):
        custom_op("f", math.sin, 3)
    with pytest.raises(ValueError, match="arity must be a positive int"):
        custom_op("f", math.sin, math.cos, arity=0)
    with pytest.raises(TypeError, match="sin: takes 1 input"):
        sin(1.0, 2.0)
    two = custom_op("two", lambda a, b: a * b, lambda a, b: (b, a), arity=2)
    mixed = two(Value(3.0), Dual(1.0, 1.0))  # a Value is a constant to forward mode
    assert (mixed.primal, mixed.tangent) == (3.0, 3.0)
    with pytest.raises(TypeError, match=r"sin: input must be a number, got 'x' \(str\)"):
        sin("x")
    with pytest.raises(ValueError, match="'tanh' is a built-in operation"):
        custom_op("tanh", math.tanh, lambda v: 1.0)
    wrong = custom_op("wrong", lambda v: v, derivative=lambda v: (1.0, 2.0))
    with pytest.raises(TypeError, match="wrong: derivative returned 2 partial derivative"):
        wrong(Value(1.0)).backward()
    root = custom_op("my_sqrt", math.sqrt, derivative=lambda v: 0.5 / math.sqrt(v) if v else math.inf)
    with pytest.raises(ValueError, match="my_sqrt: derivative is inf at \\(0\\)"):
        root(Value(0.0)).backward()
    nan = custom_op("nan", lambda v: math.nan, lambda v: 0.0)
    with pytest.raises(ValueError, match=r"nan: undefined \(nan\) for finite operands \(1\)"):
        nan(Value(1.0))


def test_graph_drawing_sees_the_name():
    x = Value(1.0, label="x")
    y = softplus(sin(x))
    assert [n.op for n in y.topological_order()] == ["", "sin", "softplus"]
