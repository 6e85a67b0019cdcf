"""Properties on random expression graphs over every operation: Alpha == Beta == numbers."""

from __future__ import annotations

from conftest import GRAPHS
from hypothesis import given, settings
from strategies import programs

from tinygrad_scalar import Value
from tinygrad_scalar.naive import grad as beta_grad


def numeric(program, eps=1e-6):
    """Central differences of the program's output with respect to each input."""
    out = []
    for i in range(len(program.inputs)):
        hi = [x + (eps if k == i else 0.0) for k, x in enumerate(program.inputs)]
        lo = [x - (eps if k == i else 0.0) for k, x in enumerate(program.inputs)]
        f_hi = program.run([Value(x) for x in hi]).data
        f_lo = program.run([Value(x) for x in lo]).data
        out.append((f_hi - f_lo) / (2 * eps))
    return out


@settings(max_examples=GRAPHS)
@given(programs())
def test_alpha_equals_beta_equals_central_differences(program):
    xs = program.leaves()
    out = program.run(xs)
    out.backward()
    alpha = [x.grad for x in xs]
    for x in xs:
        x.grad = 0.0
    for x, ga in zip(xs, alpha):
        gb = beta_grad(out, x)
        assert abs(ga - gb) <= 1e-9 * max(1.0, abs(ga)), (ga, gb)
        assert x.grad == 0.0  # Beta is pure: it never touches .grad
    for ga, gn in zip(alpha, numeric(program)):
        assert abs(ga - gn) <= 1e-4 * max(1.0, abs(ga), abs(gn)), (alpha, ga, gn)
