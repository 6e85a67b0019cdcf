"""Shared test helpers: central differences and a gradient checker that can fail."""

from __future__ import annotations

from typing import Callable, List, Sequence

from tinygrad_scalar import Value


def differences(g: Callable[[List[float]], float], xs: Sequence[float],
                eps: float = 1e-6) -> List[float]:
    """d g / d x_i by central differences, ``g`` taking a list of floats: the one
    numeric-derivative helper every test uses."""
    out = []
    for i in range(len(xs)):
        hi = [x + (eps if j == i else 0.0) for j, x in enumerate(xs)]
        lo = [x - (eps if j == i else 0.0) for j, x in enumerate(xs)]
        out.append((g(hi) - g(lo)) / (2 * eps))
    return out


def central_differences(f: Callable[..., Value], xs: Sequence[float], eps: float = 1e-6) -> List[float]:
    """d f / d x_i by central differences, evaluating ``f`` on fresh leaves."""
    return differences(lambda v: f(*[Value(x) for x in v]).data, xs, eps)


def alpha_grads(f: Callable[..., Value], xs: Sequence[float]) -> List[float]:
    """d f / d x_i by ``backward()`` (Alpha)."""
    leaves = [Value(x) for x in xs]
    f(*leaves).backward()
    return [v.grad for v in leaves]


def assert_grads_match(f: Callable[..., Value], xs: Sequence[float],
                       rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Raise AssertionError when Alpha's gradient disagrees with central differences."""
    got = alpha_grads(f, xs)
    want = central_differences(f, xs)
    for i, (g, w) in enumerate(zip(got, want)):
        assert abs(g - w) <= atol + rtol * abs(w), f"input {i} at {list(xs)}: backward {g}, numeric {w}"
