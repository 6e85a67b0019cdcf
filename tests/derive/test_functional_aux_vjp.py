"""has_aux on grad and value_and_grad, and vjp, with JAX's shapes; checked against
finite differences and the other transforms."""

import pytest

from tinygrad_scalar import Value, grad, jacobian, value_and_grad, vjp
from tinygrad_scalar import math as tmath


def _num(v):
    return v.data if isinstance(v, Value) else v


def f_aux(x, y):
    out = x * x * y + tmath.sin(x)
    return out, {"out": out, "terms": [x * y, 2.0], "label": "f"}


def test_grad_has_aux_returns_gradient_and_plain_aux():
    g, aux = grad(f_aux, argnums=(0, 1), has_aux=True)(2.0, 3.0)
    assert g == grad(lambda x, y: f_aux(x, y)[0], argnums=(0, 1))(2.0, 3.0)
    assert aux["out"] == pytest.approx(12.0 + tmath.sin(2.0)) and isinstance(aux["out"], float)
    assert aux["terms"] == [6.0, 2.0] and aux["label"] == "f"


def test_value_and_grad_has_aux_is_jax_shaped():
    (value, aux), g = value_and_grad(f_aux, has_aux=True)(2.0, 3.0)
    assert value == aux["out"] and g == pytest.approx(2 * 2.0 * 3.0 + tmath.cos(2.0))


def test_has_aux_nests_and_aux_stays_a_value_inside():
    seen = []

    def inner(x):
        g, aux = grad(lambda y: (y ** 3, y * 2), has_aux=True)(x)
        seen.append(isinstance(aux, Value))
        return g * aux  # 3x^2 * 2x = 6 x^3

    assert grad(inner)(2.0) == pytest.approx(18 * 4.0)
    assert seen == [True]


def test_has_aux_errors():
    with pytest.raises(TypeError, match="has_aux=True f must return a pair"):
        grad(lambda x: x * x, has_aux=True)(1.0)
    with pytest.raises(TypeError, match="has_aux must be True or False"):
        grad(lambda x: x, has_aux="yes")
    with pytest.raises(TypeError, match="value_and_grad.*has_aux"):
        value_and_grad(lambda x: (x, 1, 2), has_aux=True)(1.0)


def test_vjp_scalar_output_matches_grad():
    f = lambda x, ys: x * Value.sum([y * y for y in ys])  # noqa: E731
    out, vjp_fn = vjp(f, 2.0, [1.0, 3.0])
    assert out == 20.0
    assert vjp_fn(1.0) == grad(f, argnums=(0, 1))(2.0, [1.0, 3.0])
    assert vjp_fn(0.5) == (5.0, [2.0, 6.0])


def test_vjp_list_output_is_cotangent_times_jacobian():
    f = lambda x, y: [x * y, x + tmath.exp(y), tmath.tanh(x)]  # noqa: E731
    primals, ct = (0.3, -0.7), [1.5, -2.0, 0.25]
    out, vjp_fn = vjp(f, *primals)
    J = jacobian(f)(*primals)
    assert out == [_num(v) for v in f(*primals)]
    expected = [sum(ct[i] * J[i][j] for i in range(3)) for j in range(2)]
    assert vjp_fn(ct) == pytest.approx(tuple(expected))
    h = 1e-6  # and against finite differences of ct . f
    for j in range(2):
        up, down = list(primals), list(primals)
        up[j] += h
        down[j] -= h
        fd = sum(c * (_num(a) - _num(b)) for c, a, b in zip(ct, f(*up), f(*down))) / (2 * h)
        assert vjp_fn(ct)[j] == pytest.approx(fd, rel=1e-6)


def test_vjp_is_differentiable_again_and_leaves_grads_alone():
    x = Value(1.5)
    out, vjp_fn = vjp(lambda a: a ** 3, x)
    (g,) = vjp_fn(1.0)
    assert isinstance(out, Value) and isinstance(g, Value) and g.data == pytest.approx(6.75)
    assert x.grad == 0.0
    assert grad(lambda a: vjp(lambda b: b ** 3, a)[1](1.0)[0])(1.5) == pytest.approx(9.0)


def test_vjp_constant_output_and_errors():
    out, vjp_fn = vjp(lambda x: 4.0, 1.0)
    assert out == 4.0 and vjp_fn(1.0) == (0.0,)
    _, vjp_fn = vjp(lambda x, y: [x, y], 1.0, 2.0)
    with pytest.raises(ValueError, match="cotangent has 1 entries but f returned 2"):
        vjp_fn([1.0])
    with pytest.raises(TypeError, match="cotangent must be a list of 2"):
        vjp_fn(1.0)
    with pytest.raises(ValueError, match="finite"):
        vjp_fn([1.0, float("nan")])
    with pytest.raises(TypeError, match="vjp: f must be callable"):
        vjp(3.0, 1.0)
