"""Compiled mode: the generated code computes what the interpreted graph computes."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinygrad_scalar import MLP, Value, custom_op
from tinygrad_scalar.core.node import Node
from tinygrad_scalar.trace import TraceError, compile, compile_step, generate, peek

REL = 1e-12


def close(a: float, b: float) -> bool:
    return abs(a - b) <= REL * max(1.0, abs(a), abs(b))


def interpreted(model: MLP, loss_fn, X, y):
    model.zero_grad()
    loss = loss_fn([model(x) for x in X], y)
    loss.backward()
    return loss.data, [p.grad for p in model.parameters()]


def compiled_call(step, model: MLP, X, y):
    model.zero_grad()
    out = step(X, y)
    return out, [p.grad for p in model.parameters()]


def hinge_l2(model):
    def loss(scores, ys):
        terms = [(1 - yi * si).relu() for yi, si in zip(ys, scores)]
        return Value.sum(terms) * (1.0 / len(terms)) + 1e-3 * Value.dot(
            model.parameters(), model.parameters())
    return loss


def mse(outs, ys):
    diffs = [o - t for o, t in zip(outs, ys)]
    return Value.dot(diffs, diffs) * (1.0 / len(diffs))


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_mlp_step_matches_interpreted_over_training(activation):
    rng = random.Random(3)
    model = MLP(3, [5, 4, 1], activation=activation, rng=rng)
    loss_fn = hinge_l2(model)
    step = compile_step(model, loss_fn)
    X = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(12)]
    y = [rng.choice([-1.0, 1.0]) for _ in range(12)]
    for _ in range(6):  # the weights move, ReLUs switch on and off, the trace stays
        ref, ref_g = interpreted(model, loss_fn, X, y)
        out, g = compiled_call(step, model, X, y)
        assert close(out, ref)
        assert all(close(a, b) for a, b in zip(g, ref_g))
        for p in model.parameters():
            p.data -= 0.5 * p.grad
    assert step.traces == 1


def test_new_inputs_of_same_shape_reuse_the_trace_and_stay_exact():
    rng = random.Random(5)
    model = MLP(2, [6, 3], rng=rng)  # three outputs per sample
    step = compile_step(model, lambda outs, ys: mse([o for out in outs for o in out],
                                                    [t for row in ys for t in row]),
                        static_targets=False)
    for _ in range(4):
        X = [[rng.uniform(-3, 3), rng.uniform(-3, 3)] for _ in range(7)]
        Y = [[rng.gauss(0, 1) for _ in range(3)] for _ in range(7)]
        model.zero_grad()
        ref = mse([o for x in X for o in model(x)], [t for row in Y for t in row])
        ref.backward()
        ref_g = [p.grad for p in model.parameters()]
        out, g = compiled_call(step, model, X, Y)
        assert close(out, ref.data)
        assert all(close(a, b) for a, b in zip(g, ref_g))
    assert step.traces == 1


# ---------------------------------------------------------------- random expressions
UNARY = ["tanh", "sigmoid", "relu", "abs", "exp_small", "log_pos", "square", "cube", "inv_pos",
         "sqrt_pos", "neg"]
BINARY = ["+", "*", "-", "/pos", "pow_pos"]


def build(ops, leaves):
    """A random expression over ``leaves`` from a list of (kind, i, j, const) choices."""
    nodes = list(leaves)
    for kind, i, j, c in ops:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if kind == "tanh":
            n = a.tanh()
        elif kind == "sigmoid":
            n = a.sigmoid()
        elif kind == "relu":
            n = a.relu()
        elif kind == "abs":
            n = abs(a)
        elif kind == "exp_small":
            n = (a.tanh() * 2.0).exp()
        elif kind == "log_pos":
            n = (a * a + 0.5).log()
        elif kind == "square":
            n = a ** 2
        elif kind == "cube":
            n = a.tanh() ** 3
        elif kind == "inv_pos":
            n = (a * a + 1.0) ** -1
        elif kind == "sqrt_pos":
            n = (a * a + 0.25) ** 0.5
        elif kind == "neg":
            n = -a
        elif kind == "+":
            n = a + b + c
        elif kind == "*":
            n = a * b * c
        elif kind == "-":
            n = a - b
        elif kind == "/pos":
            n = a / (b * b + 1.0)
        elif kind == "pow_pos":
            n = (a * a + 0.5) ** b.tanh()
        elif kind == "sum":
            n = Value.sum(nodes[-3:])
        else:  # dot
            k = min(3, len(nodes) // 2)
            n = Value.dot(nodes[:k], nodes[-k:], bias=c)
        nodes.append(n)
    return Value.sum(nodes[len(leaves):]) if len(nodes) > len(leaves) else nodes[-1]


op_choice = st.tuples(st.sampled_from(UNARY + BINARY + ["sum", "dot"]),
                      st.integers(0, 50), st.integers(0, 50),
                      st.floats(-2, 2, allow_nan=False, allow_infinity=False))


@settings(max_examples=60, deadline=None)
@given(ops=st.lists(op_choice, min_size=1, max_size=14),
       xs=st.lists(st.lists(st.floats(-2, 2), min_size=2, max_size=2), min_size=2, max_size=3),
       ws=st.lists(st.floats(-2, 2), min_size=2, max_size=2))
def test_random_expressions_match_interpreted(ops, xs, ws):
    params = [Value(w, label=f"w{i}") for i, w in enumerate(ws)]

    def fn(x):
        return build(ops, params + x)

    f = compile(fn)
    for x in [xs[0]] + xs[1:]:
        for p in params:
            p.grad = 0.0
        ref = fn([Value(v) for v in x])
        ref.backward()
        ref_g = [p.grad for p in params]
        for p in params:
            p.grad = 0.0
        out = f(x)
        assert close(out, ref.data)
        assert all(close(a, b) for a, b in zip((p.grad for p in params), ref_g))
    assert f.traces == 1


def test_gradient_of_the_traced_code_matches_finite_differences():
    w = Value(0.7)
    f = compile(lambda x: (w * x).tanh() * (w + x).sigmoid())
    f(1.3)
    h = 1e-6
    w.data += h
    up = f.interpret(1.3)
    w.data -= 2 * h
    down = f.interpret(1.3)
    w.data += h
    w.grad = 0.0
    f(1.3)
    assert abs(w.grad - (up - down) / (2 * h)) < 1e-7


# ---------------------------------------------------------------- structure guards
def test_other_input_length_traces_again_and_keeps_both():
    a = Value(2.0)
    f = compile(lambda xs: Value.sum([a * x for x in xs]))
    assert f([1.0, 2.0]) == 6.0
    assert f([1.0, 2.0, 3.0]) == 12.0
    assert f([4.0, 5.0]) == 18.0
    assert f.traces == 2
    assert a.grad == 3.0 + 6.0 + 9.0


def test_nesting_that_flattens_to_the_same_numbers_is_another_trace():
    a = Value(1.0)

    def fn(x):
        first = x[0] if isinstance(x[0], Value) else x[0][0]
        return first * a

    f = compile(fn)
    assert f([3.0, [4.0]]) == 3.0
    assert f([[4.0], 3.0]) == 4.0
    assert f.traces == 2


def test_relu_switching_sides_is_not_a_new_trace():
    w = Value(1.0)
    f = compile(lambda x: (w * x).relu())
    assert f(2.0) == 2.0 and w.grad == 2.0
    assert f(-2.0) == 0.0 and w.grad == 2.0
    assert f.traces == 1


def test_reading_a_number_while_tracing_is_refused_and_engine_is_restored():
    w = Value(1.0)
    slot = Node.__dict__["data"]

    def branchy(x):
        return w * x if (w * x).data > 0 else -(w * x)

    with pytest.raises(TraceError, match=r"looked at a number.*test_compiled\.py"):
        compile(branchy)(2.0)
    assert Node.__dict__["data"] is slot
    with pytest.raises(TraceError, match="comparison"):
        compile(lambda x: x * w if x > 0 else x)(1.0)
    with pytest.raises(TypeError, match=r"float\(\) of a Value would leave the graph"):
        compile(lambda x: x * float(w))(1.0)
    assert Node.__dict__["data"] is slot
    assert (Value(3.0) * 2).data == 6.0


def test_changed_model_or_targets_trace_again():
    rng = random.Random(1)
    model = MLP(2, [3, 1], rng=rng)
    loss_fn = hinge_l2(model)
    step = compile_step(model, loss_fn)
    X = [[0.5, -0.2], [1.0, 1.5]]
    step(X, [1.0, -1.0])
    step(X, [-1.0, 1.0])  # other labels: another trace
    assert step.traces == 2
    model.layers[0].neurons[0].w[0] = Value(0.3)  # another parameter object
    out, g = compiled_call(step, model, X, [1.0, -1.0])
    ref, ref_g = interpreted(model, loss_fn, X, [1.0, -1.0])
    assert step.traces == 3
    assert close(out, ref) and all(close(a, b) for a, b in zip(g, ref_g))


def test_arithmetic_errors_are_the_engines_errors():
    f = compile(lambda x: x.log())
    assert f(1.0) == 0.0
    with pytest.raises(ValueError, match=r"log: undefined for x = -1\.0"):
        f(-1.0)
    g = compile(lambda x: x ** 0.5)
    assert g(4.0) == 2.0
    with pytest.raises(ValueError, match="negative base"):
        g(-4.0)
    assert g.fallbacks == 1


def test_custom_operations_compile_like_built_ins():
    w = Value(0.7, label="w")
    cube = custom_op("cube_c", lambda v: v ** 3, derivative=lambda v: 3.0 * v * v)
    hyp = custom_op("hyp_c", math.hypot, arity=2,
                    derivative=lambda a, b: (a / math.hypot(a, b), b / math.hypot(a, b)))
    f = compile(lambda x: hyp(cube(w * x), x) + cube(x))
    out = f(1.5)
    got = w.grad
    w.grad = 0.0
    ref = hyp(cube(w * 1.5), Value(1.5)) + cube(Value(1.5))
    ref.backward()
    assert out == pytest.approx(ref.data, rel=1e-15) and got == pytest.approx(w.grad, rel=1e-14)
    assert "hyp_c" in f.source and f.fallbacks == 0


@pytest.mark.parametrize("bad, error, message", [
    (Value(1.0), TypeError, "got a Value"),
    (True, TypeError, "got bool"),
    ("1.0", TypeError, "got str"),
    (float("nan"), ValueError, "must be finite, got nan"),
])
def test_bad_inputs_are_refused(bad, error, message):
    with pytest.raises(error, match=message):
        compile(lambda x: x * 2.0)(bad)


def test_function_must_return_a_value():
    with pytest.raises(TypeError, match="must return a Value, got float"):
        compile(lambda x: 1.0)(1.0)


def test_static_arguments_must_be_hashable():
    with pytest.raises(TypeError, match="static argument must be hashable"):
        compile(lambda x, s: x * 1.0, static_argnums=(1,))(1.0, {1: 2})


def test_max_traces_is_checked():
    with pytest.raises(ValueError, match="max_traces must be a positive int, got 0"):
        compile(lambda x: x, max_traces=0)


# ---------------------------------------------------------------- the generated code
def test_generated_code_is_readable_straight_line_python():
    model = MLP(2, [3, 1], activation="tanh", rng=0)
    step = compile_step(model, lambda outs, ys: mse(outs, ys), static_targets=False)
    step([[0.1, 0.2]], [1.0])
    src = step.source
    for word in ("# forward", "# backward", "# dot", "# tanh", "# +", "# *"):
        assert word in src
    assert "# p0 = 'L0.N0.w0'" in src
    assert "for " not in src and "while " not in src  # straight-line
    assert "Value" not in src  # no graph nodes
    assert len(step.parameters) == len(model.parameters())


def test_generate_writes_negative_constants_safely():
    x = Value(2.0)
    src = generate((-3.0 + x * 0.0) ** 2, [x]).source
    assert "(-3.0)" in src
    f = compile(lambda x: (x * 0.0 + -3.0) ** 2)
    assert f(2.0) == 9.0


def test_labels_cannot_inject_code():
    w = Value(1.0, label="w\nimport os")
    f = compile(lambda x: w * x)
    assert f(2.0) == 2.0
    assert "# p0 = 'w\\nimport os'" in f.source
    assert "\nimport os" not in f.source


def test_an_infinite_constant_is_refused_while_tracing():
    f = compile(lambda x: (x * math.inf).relu())  # the engine refuses non-finite operands
    with pytest.raises(ValueError, match=r"\*: operand must be finite, got inf"):
        f(1.0)


def test_peek_lets_a_value_preserving_shift_through():
    def logsumexp(zs):
        m = max(peek(z) for z in zs)  # any m gives the same result
        return Value.sum([(z - m).exp() for z in zs]).log() + m

    w = Value(1.0)
    f = compile(lambda xs: logsumexp([w * x for x in xs]))
    for xs in ([1.0, 2.0, 3.0], [30.0, -5.0, 0.5], [-3.0, -2.0, -1.0]):
        w.grad = 0.0
        out = f(xs)
        grad = w.grad
        w.grad = 0.0
        ref = logsumexp([w * Value(x) for x in xs])
        ref.backward()
        assert close(out, ref.data) and close(grad, w.grad)
    assert f.traces == 1
    with pytest.raises(TypeError, match="peek: expected a Value, got float"):
        peek(1.0)


def test_random_graphs_are_refused():
    rng = random.Random(0)
    w = Value(1.0)
    f = compile(lambda x: w * x * rng.choice([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]))
    with pytest.raises(TraceError, match="different graphs"):
        for _ in range(5):  # two equal draws in a row are possible, five times are not
            f(1.0)
            f = compile(f.fn)
    fresh = compile(lambda x: w * x + Value(rng.random()))  # a new leaf every call
    with pytest.raises(TraceError, match="different graphs"):
        fresh(1.0)
    same = compile(lambda x: w * x + Value(2.0))  # a new leaf, always the same number
    assert same(1.0) == 3.0


def test_dropout_in_training_mode_is_refused_and_eval_mode_compiles():
    model = MLP(2, [6, 1], dropout=0.5, rng=0)
    step = compile_step(model, mse, static_targets=False)
    X, y = [[0.5, -1.0], [1.0, 2.0]], [1.0, 0.0]
    with pytest.raises(TraceError, match="dropout in training mode"):
        step(X, y)
    model.eval()
    out, g = compiled_call(step, model, X, y)
    ref, ref_g = interpreted(model, mse, X, y)
    assert close(out, ref) and all(close(a, b) for a, b in zip(g, ref_g))
    model.train()  # the evaluation-mode trace must not be reused in training mode
    with pytest.raises(TraceError, match="dropout in training mode"):
        step(X, y)
