"""Properties on random expression graphs over every operation.

* Alpha == Beta == central differences (``GRAPHS`` programs: 2,000 per run, 100,000 with
  ``HYPOTHESIS_PROFILE=long``);
* every other way of taking a first derivative agrees with Alpha on the same kind of
  programs: forward mode (``jacobian(mode="forward")``, ``jvp``), ``backward(create_graph=
  True)`` and ``functional.grad`` — see ``MODES``;
* second derivatives (``hessian``, i.e. grad of grad, and ``create_graph`` twice) agree
  with central differences of Alpha's first derivative, on a quarter as many programs.
"""

from __future__ import annotations

import random
from typing import Callable, Dict, List

import campaign
import pytest
from checks import central_differences
from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import Program, programs

from conftest import GRAPHS
from tinygrad_scalar import Value, grad, hessian, jacobian, jvp, trace
from tinygrad_scalar.naive import grad as beta_grad

pytestmark = pytest.mark.slow  # the reliability campaign: `make test-fast` leaves it out


def numeric(program, eps=1e-6):
    """Central differences of the program's output with respect to each input."""
    return central_differences(lambda *vs: program.run(list(vs)), program.inputs, eps)


def alpha(program: Program, inputs: List[float]) -> List[float]:
    """Alpha's gradient (``backward``) of the program at ``inputs``."""
    xs = [Value(x) for x in inputs]
    program.run(xs).backward()
    return [x.grad for x in xs]


def close(a: float, b: float, rel: float, scale: float = 1.0) -> bool:
    return abs(a - b) <= rel * max(scale, abs(a), abs(b))


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
    campaign.add("graphs")


# ---------------------------------------------------------------------- other modes
def forward_columns(program: Program) -> List[float]:
    """Forward mode: one evaluation on Dual numbers per input (a row of the Jacobian)."""
    return jacobian(program, mode="forward")(*program.inputs)[0]


def create_graph(program: Program) -> List[float]:
    """``backward(create_graph=True)``: the gradients as Values (their data)."""
    xs = program.leaves()
    grads = program.run(xs).backward(create_graph=True)
    return [grads[x].data if x in grads else 0.0 for x in xs]


def functional_grad(program: Program) -> List[float]:
    """``functional.grad`` over every argument (a private sweep; no ``.grad`` touched)."""
    return list(grad(program, argnums=tuple(range(len(program.inputs))))(*program.inputs))


def compiled(program: Program) -> List[float]:
    """Compiled mode: the program traced into straight-line Python and replayed.

    The inputs are leaves the function reads (parameters, to the compiled code), so the
    replay adds their gradients into ``.grad``; the second call runs the generated code on
    the leaves' current values, after they were moved and moved back.
    """
    xs = program.leaves()
    step = trace.compile(lambda: program.run(xs))
    step()
    moved = [v + 0.25 for v in program.inputs]
    for x, v in zip(xs, moved):
        x.data, x.grad = v, 0.0
    live = program.live()  # compiled code has no dead branches to fail in
    try:  # the same code on other values: the same number as the graph, or the same error
        got = step()
    except (ArithmeticError, ValueError) as e:
        with pytest.raises(type(e)):
            live.run([Value(v) for v in moved])
    else:
        assert close(got, live.run([Value(v) for v in moved]).data, 1e-9)
    for x, v in zip(xs, program.inputs):
        x.data, x.grad = v, 0.0
    out = step()
    assert close(out, program.run(program.leaves()).data, 1e-12)
    assert step.traces == 1 or step.fallbacks > 0
    return [x.grad for x in xs]


#: name -> first derivatives of a program at its inputs, each to agree with Alpha.
#: A new way of differentiating is checked on every random graph by adding a row here.
MODES: Dict[str, Callable[[Program], List[float]]] = {
    "forward (jacobian mode='forward')": forward_columns,
    "backward(create_graph=True)": create_graph,
    "functional.grad": functional_grad,
    "compiled (trace.compile)": compiled,
}


@settings(max_examples=GRAPHS)
@given(programs(), st.randoms(use_true_random=False))
def test_every_mode_agrees_with_alpha(program, rnd: random.Random):
    want = alpha(program, program.inputs)
    for name, mode in MODES.items():
        got = mode(program)
        assert len(got) == len(want), name
        for i, (g, a) in enumerate(zip(got, want)):
            assert close(g, a, 1e-9), f"{name}: d/dx{i} is {g}, Alpha says {a}"
    # jvp along a random direction: one forward pass gives grad . direction
    direction = [rnd.uniform(-1.0, 1.0) for _ in program.inputs]
    value, derivative = jvp(program, tuple(program.inputs), tuple(direction))
    assert close(value, program.run(program.leaves()).data, 1e-12)
    expected = sum(a * t for a, t in zip(want, direction))
    assert close(derivative, expected, 1e-9, scale=max(1.0, *map(abs, want)))
    campaign.add("graphs_modes")


# ---------------------------------------------------------------------- second order
@settings(max_examples=max(GRAPHS // 4, 1))
@given(programs())
# found by the long profile: (1.5 ** x) ** x at x = 0, where the exponent's value is 0 but
# d/dx of the local derivative b * a ** (b - 1) is not
@example(Program([0.0], [("rpow", 0, 0, -1.5), ("pow_value", 1, 0, -1.5)]))
def test_second_derivatives_agree_with_central_differences_of_alpha(program):
    n = len(program.inputs)
    h = hessian(program)(*program.inputs)  # grad of grad: reverse over reverse
    xs = program.leaves()
    first = program.run(xs).backward(create_graph=True)
    eps = 1e-5
    for j in range(n):
        up, down = list(program.inputs), list(program.inputs)
        up[j] += eps
        down[j] -= eps
        g_up, g_mid, g_down = (alpha(program, p) for p in (up, program.inputs, down))
        for i in range(n):
            numeric_ij = (g_up[i] - g_down[i]) / (2 * eps)
            # a kink (relu, abs) within eps of the point makes the difference meaningless
            bend = abs((g_up[i] - g_mid[i]) - (g_mid[i] - g_down[i])) / eps
            if bend > 1e-2 * max(1.0, abs(numeric_ij)):
                continue
            scale = max(1.0, abs(g_mid[i]))
            assert close(h[i][j], numeric_ij, 1e-4, scale), (i, j, h[i][j], numeric_ij)
        # create_graph twice gives the same row as grad of grad
        if xs[j] in first:
            second = first[xs[j]].backward(create_graph=True)
            for i in range(n):
                d = second[xs[i]].data if xs[i] in second else 0.0
                assert close(d, h[j][i], 1e-9), (j, i, d, h[j][i])
    campaign.add("graphs_second_order")


def test_second_derivative_through_a_value_exponent_that_is_zero():
    # f(x) = (1.5 ** x) ** x = 1.5 ** (x * x): f''(0) = 2 log(1.5), although the exponent is 0
    import math

    f = lambda x: (1.5 ** x) ** x  # noqa: E731
    assert hessian(f)(0.0)[0][0] == pytest.approx(2 * math.log(1.5), rel=1e-12)
    assert grad(grad(f))(0.0) == pytest.approx(2 * math.log(1.5), rel=1e-12)
