"""Build once, feed many: ``Value.placeholder``, ``Value.forward``, ``Program``, ``trace_forward``.

The property: a graph built at inputs ``a`` and run again at inputs ``b`` gives exactly
what building it at ``b`` gives, in every mode (Alpha, Beta, ``create_graph``, forward
mode, compiled ``Program``), or raises the error building it would raise.
"""

from __future__ import annotations

import io
import math
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import programs

from tinygrad_scalar import (
    AnomalyError,
    DomainError,
    Program,
    Value,
    detect_anomaly,
    jvp,
    no_grad,
    trace_forward,
)
from tinygrad_scalar.derive.native import compiler
from tinygrad_scalar.naive import grad as beta_grad


def _build(program, inputs):
    """Build ``program`` at ``inputs``: (leaves, output), or the error type it raises."""
    xs = [Value(x, label=f"x{i}") for i, x in enumerate(inputs)]
    try:
        return xs, program.run(xs)
    except (ArithmeticError, ValueError) as e:
        return xs, type(e)


def _same(rerun, rebuilt):
    """Both calls give equal results, or both raise the same kind of error."""
    try:
        want = rebuilt()
    except (ArithmeticError, ValueError) as e:
        with pytest.raises(type(e)):
            rerun()
        return
    got = rerun()
    assert got == want, (got, want)


NEW = st.lists(st.sampled_from([-2.5, -1.25, -0.5, 0.0, 0.25, 0.75, 1.0, 1.5, 2.0, 3.0]),
               min_size=4, max_size=4)


@settings(max_examples=300)
@given(programs(), NEW)
def test_a_rerun_equals_rebuilding_in_every_mode(program, new):
    program, new = program.live(), new[:len(program.inputs)]
    xs, out = _build(program, program.inputs)
    ys, want = _build(program, new)
    used = set(out.topological_order())
    feed = {x: v for x, v in zip(xs, new) if x in used}
    if isinstance(want, type):  # building at the new inputs fails: so does the re-run
        with pytest.raises(want):
            out.forward(feed)
        return
    assert out.forward(feed) == want.data
    assert [x.data for x in feed] == list(feed.values())
    try:  # Alpha
        want.backward()
    except (ArithmeticError, ValueError) as e:
        with pytest.raises(type(e)):
            out.backward()
        return
    out.backward()
    assert [x.grad for x in xs] == [y.grad for y in ys]
    for x, y in zip(xs, ys):  # Beta reads the new numbers too
        _same(lambda x=x: beta_grad(out, x), lambda y=y: beta_grad(want, y))

    def graphs(root, leaves):  # create_graph: the gradients as graphs, then their numbers
        got = root.backward(create_graph=True)
        return [got[v].data if v in got else 0.0 for v in leaves]
    _same(lambda: graphs(out, xs), lambda: graphs(want, ys))
    for x, y in zip(xs, ys):
        x.grad = y.grad = 0.0
    out.backward()
    if all(abs(y.grad) < 1e6 for y in xs):  # forward mode at the new inputs agrees
        _, slope = jvp(program, tuple(new), tuple([1.0] * len(new)))
        assert math.isclose(slope, sum(x.grad for x in xs), rel_tol=1e-7, abs_tol=1e-9)
    by_leaf = {x: x.grad for x in xs}
    fast = Program(out, list(feed)).compile("python")  # compiled: the same numbers to rounding
    assert math.isclose(fast(feed).output, want.data, rel_tol=1e-12, abs_tol=1e-12)
    trained = Program(out, []).compile("python")  # the leaves as parameters: their gradients
    for x, g in zip(trained.parameters, trained({}).grads):
        assert math.isclose(g, by_leaf[x], rel_tol=1e-9, abs_tol=1e-12)


def test_math_functions_and_custom_operations_rerun_as_they_build():
    from tinygrad_scalar import custom_op
    from tinygrad_scalar import math as tmath

    hyp = custom_op("rerun_hypot", math.hypot, arity=2,
                    derivative=lambda a, b: (a / math.hypot(a, b), b / math.hypot(a, b)))

    def f(x, y):
        return (tmath.logsumexp([tmath.sin(x), tmath.sqrt(y), tmath.softplus(x * y)])
                + hyp(x, y) + tmath.atan(x) * tmath.log1p(y) + tmath.cos(y) ** 2)

    x, y = Value(0.3, label="x"), Value(1.2, label="y")
    out = f(x, y)
    for a, b in [(1.5, 0.25), (-2.0, 3.0), (0.0, 0.5)]:
        xs = [Value(a), Value(b)]
        want = f(*xs)
        want.backward()
        x.grad = y.grad = 0.0
        assert out.forward({x: a, y: b}) == want.data
        out.backward()
        assert (x.grad, y.grad) == (xs[0].grad, xs[1].grad)
    with pytest.raises(DomainError, match="sqrt"):
        out.forward({y: -1.0})


def test_placeholder_holds_nan_until_fed_and_forward_refuses_it():
    x = Value.placeholder("x")
    y = x * 2.0 + 1.0
    assert math.isnan(y.data) and x.is_placeholder and not y.is_placeholder
    with pytest.raises(ValueError, match="placeholder 'x' has no value"):
        y.forward()
    assert y.forward({x: 3}) == 7.0 and type(x.data) is float
    assert y.forward() == 7.0  # the fed number stays in the leaf


def test_forward_after_changing_a_leaf_by_hand():
    x = Value(1.0, label="x")
    z = (x * x).relu() + x ** 3
    x.data = -2  # an int, set by hand
    assert z.forward() == 4.0 - 8.0
    z.backward()
    assert x.grad == -4.0 + 12.0  # relu on (4 > 0): 2x, plus 3x**2


def test_rules_that_read_values_follow_the_new_numbers():
    x, k = Value.placeholder("x"), Value(2.0, label="k")
    y = (x * k).relu() + k ** x + abs(x)
    assert y.forward({x: 1.0}) == 2.0 + 2.0 + 1.0
    assert y.forward({x: -3.0}) == 0.0 + 0.125 + 3.0  # the relu off, abs on the other side
    y.backward()
    assert x.grad == 0.125 * math.log(2.0) - 1.0
    assert k.grad == -3.0 * 2.0 ** -4


def test_errors_are_those_of_building():
    x = Value.placeholder("x")
    y = x.log()
    with pytest.raises(DomainError, match="log: undefined for x = -1.0"):
        y.forward({x: -1.0})
    z = x.exp() * x.exp()
    with pytest.raises(OverflowError, match=r"\*: overflow"):
        z.forward({x: 400.0})
    b = Value(1.0, label="b")
    big = Value(1e300, label="a") * b
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"operation '\*' gave inf .*b = 1e\+10"):
        big.forward({b: 1e10})


def test_feed_mistakes_are_named():
    x = Value.placeholder("x")
    y = x * 2.0
    with pytest.raises(TypeError, match="feed must be a dict"):
        y.forward([1.0])
    with pytest.raises(TypeError, match="feed keys must be Values"):
        y.forward({"x": 1.0})
    with pytest.raises(ValueError, match="only a leaf can be fed"):
        y.forward({y: 1.0})
    with pytest.raises(ValueError, match="not a leaf of this graph"):
        y.forward({Value(1.0): 1.0})
    with pytest.raises(ValueError, match="constant"):
        y.forward({y.parents[1]: 1.0})
    with pytest.raises(ValueError, match="must be finite"):
        y.forward({x: float("nan")})
    with pytest.raises(TypeError, match="must be a number"):
        y.forward({x: "1"})
    x.data = "one"
    with pytest.raises(TypeError, match="not a number"):
        y.forward()


def test_a_decision_on_an_unfed_placeholder_is_refused_and_other_nans_compare_false():
    x = Value.placeholder("x")
    y = (x * 2.0).tanh()
    for compare in (lambda: y > 0, lambda: 0 < y, lambda: y <= x, lambda: 1.0 >= y):
        with pytest.raises(ValueError, match="placeholder 'x', which has not been fed"):
            compare()
    with pytest.raises(TypeError, match="truth of a Value"):
        bool(y)
    y.forward({x: 1.0})
    assert y > 0
    nan = Value(1.0)
    nan.data = math.nan  # a NaN that no placeholder made: compares false, as floats do
    assert not nan > 0 and not nan < 0


def test_no_grad_changes_nothing_in_a_rerun():
    x = Value.placeholder("x")
    y = x * x
    with no_grad():
        assert y.forward({x: 3.0}) == 9.0
    y.backward()
    assert x.grad == 6.0


def test_rerun_makes_no_node_and_pickles_keep_placeholders():
    x = Value.placeholder("x")
    y = (x + 1.0).tanh() * x
    before = y.topological_order()
    y.forward({x: 0.5})
    after = y.topological_order()
    assert len(before) == len(after) and all(a is b for a, b in zip(before, after))
    back = pickle.loads(pickle.dumps(x))
    assert back.is_placeholder and back.label == "x"


def test_trace_forward_prints_each_node_in_the_backward_trace_format():
    a, b = Value.placeholder("a"), Value(4.0, label="b")
    out = io.StringIO()
    steps = trace_forward(a * b + a, {a: 3.0}, file=out)
    assert out.getvalue() == ("step 1: t1 (*, value 12)\n    a: 3\n    b: 4\n"
                              "step 2: t2 (+, value 15)\n    t1: 12\n    a: 3\n")
    assert [s.value for s in steps] == [12.0, 15.0]


def test_program_accumulates_like_backward_and_compiles():
    x, y = Value.placeholder("x"), Value.placeholder("y")
    w, b = Value(0.5, label="w"), Value(-1.0, label="b")
    loss = ((w * x + b) - y) ** 2
    prog = Program(loss)
    assert prog.inputs == [x, y] and prog.parameters == [w, b]
    got = prog({x: 2.0, "y": 1.0})  # (1 - 1 - 1)**2 = 1, d/dw = 2 * -1 * 2, d/db = -2
    assert got == (1.0, (-4.0, -2.0)) and (w.grad, b.grad) == (-4.0, -2.0)
    assert x.grad == 0.0  # inputs are fed, not trained
    fast = prog.compile(backend="python")
    assert fast({x: 2.0, y: 1.0}) == got and (w.grad, b.grad) == (-8.0, -4.0)
    assert "def program(x, p)" in fast.source and "python" in repr(fast)


needs_cc = pytest.mark.skipif(compiler() is None, reason="no C compiler on this machine: "
                              "the native backend cannot run (its fallback is tested below)")


@pytest.mark.parametrize("backend", ["python", pytest.param("c", marks=needs_cc)])
def test_program_compiled_falls_back_to_the_engine_error(backend):
    x = Value.placeholder("x")
    fast = Program(x.log() * Value(1.0, label="w")).compile(backend)
    assert fast.backend == backend
    assert fast({x: math.e}).output == 1.0
    with pytest.raises(DomainError, match="log"):
        fast({x: -1.0})


@needs_cc
def test_program_compiled_to_c_gives_the_graph_numbers():
    x, y = Value.placeholder("x"), Value.placeholder("y")
    w, b = Value(0.5, label="w"), Value(-0.2, label="b")
    loss = ((w * x + b).tanh() - y) ** 2 + (x * w).relu() + (x.exp() + 1.0).log() + abs(b) * x
    prog = Program(loss, [x, y])
    native, python = prog.compile("c"), prog.compile("python")
    assert (native.backend, python.backend) == ("c", "python")
    for feed in ({x: 2.0, y: 3.0}, {x: -1.5, y: 0.25}, {x: 0.0, y: -7.0}):
        want = prog(feed)
        for fast in (native, python):
            got = fast(feed)
            assert math.isclose(got.output, want.output, rel_tol=1e-13)
            assert all(math.isclose(g, h, rel_tol=1e-12, abs_tol=1e-15)
                       for g, h in zip(got.grads, want.grads))


def test_program_auto_backend_without_a_compiler_runs_python(monkeypatch):
    monkeypatch.setenv("TINYGRAD_SCALAR_CC", "")
    x = Value.placeholder("x")
    prog = Program(x * Value(3.0, label="w") + 1.0)
    fast = prog.compile("auto")
    assert fast.backend == "python" and fast({x: 2.0}) == (7.0, (2.0,))
    with pytest.raises(RuntimeError, match="no C compiler"):
        prog.compile("c")


def test_program_mistakes_are_named():
    x = Value.placeholder("x")
    prog = Program(x * 2.0)
    with pytest.raises(ValueError, match="no value fed for input"):
        prog({})
    with pytest.raises(ValueError, match="not an input of this program"):
        prog({"z": 1.0})
    with pytest.raises(ValueError, match="backend must be one of"):
        prog.compile(backend="fortran")
    with pytest.raises(TypeError, match="output must be a Value"):
        Program(2.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a leaf of the graph"):
        Program(x * 2.0, [Value(1.0)])


def test_program_auto_backend_keeps_big_programs_in_python(monkeypatch, capsys):
    from tinygrad_scalar.derive import program as program_module

    monkeypatch.setattr(program_module, "AUTO_C_LINES", 3)  # every program is "big"
    x = Value.placeholder("x")
    prog = Program((x * Value(3.0, label="w")).tanh() + x * x)
    fast = prog.compile("auto")
    assert fast.backend == "python" and fast({x: 0.5}).output == prog({x: 0.5}).output
    assert "running in Python" in capsys.readouterr().err
    if compiler() is not None:
        assert prog.compile("c").backend == "c"  # asked for by name: built anyway
