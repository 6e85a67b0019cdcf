"""Scale: million-node sums, graphs freed after use, memory flat over 1,000 training steps."""

from __future__ import annotations

import gc
import tracemalloc
import weakref

import pytest

from tinygrad_scalar import MLP, Value, grad, hessian, jacobian
from tinygrad_scalar.losses import binary_cross_entropy
from tinygrad_scalar.optim import Adam
from tinygrad_scalar.train import fit

pytestmark = pytest.mark.slow  # the reliability campaign: `make test-fast` leaves it out


def test_fused_sum_of_a_million_leaves():
    xs = [Value(float(i % 7)) for i in range(1_000_000)]
    s = Value.sum(xs)
    s.backward()
    assert s.data == sum(i % 7 for i in range(1_000_000))
    assert xs[0].grad == 1.0 and xs[-1].grad == 1.0


def test_op_by_op_sum_of_a_million_terms():
    x = Value(0.5)
    total = x
    refs = []
    for i in range(1_000_000):
        total = total + x  # a million-deep chain, every link through x
        if i % 1000 == 0:
            refs.append(weakref.ref(total))
    total.backward()
    assert x.grad == 1_000_001.0
    gc.disable()  # reference counting alone frees the whole chain, without recursing
    try:
        del total
        assert all(r() is None for r in refs)
    finally:
        gc.enable()


def test_graph_is_freed_when_dropped():
    gc.collect()
    model = MLP(2, [4, 1], rng=0)
    loss = Value.sum([model([0.5 * i, -0.25 * i]) for i in range(5)]) ** 2
    loss.backward()
    refs = [weakref.ref(n) for n in loss.topological_order() if not n.is_leaf]
    assert len(refs) > 20
    gc.disable()  # reference counting alone must free the graph: no cycles
    try:
        del loss
        assert all(r() is None for r in refs)
    finally:
        gc.enable()
    assert all(p.grad != 0.0 for p in model.parameters()[:2])  # parameters survive


def test_memory_does_not_grow_over_a_thousand_training_steps():
    model = MLP(2, [4, 1], rng=0)
    X = [[0.1 * i, 0.3 - 0.05 * i] for i in range(8)]
    y = [1.0 if i % 2 else -1.0 for i in range(8)]
    params = model.parameters()

    def step():
        loss = Value.sum([(1 - yi * model(x)).relu() for x, yi in zip(X, y)]) * 0.125
        model.zero_grad()
        loss.backward()
        for p in params:
            p.data -= 0.01 * p.grad

    tracemalloc.start()
    try:
        for _ in range(100):
            step()
        gc.collect()
        early = tracemalloc.get_traced_memory()[0]
        for _ in range(900):
            step()
        gc.collect()
        late = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert late - early < 64 * 1024, f"memory grew by {late - early} bytes over 900 steps"


@pytest.mark.parametrize("n", [1, 2, 10])
def test_sum_and_dot_sizes(n):
    xs = [Value(float(i + 1)) for i in range(n)]
    ws = [Value(2.0) for _ in range(n)]
    d = Value.dot(ws, xs)
    d.backward()
    assert d.data == 2.0 * n * (n + 1) / 2
    assert [w.grad for w in ws] == [x.data for x in xs]


def test_derivative_functions_keep_no_graph_alive():
    made = []

    def f(x, y):
        out = (x * y).tanh() + x ** 3
        made.extend(weakref.ref(n) for n in out.topological_order())
        return out

    gc.disable()
    try:
        for derive in (grad(f, (0, 1)), hessian(f), lambda *a: jacobian(f)(*a)):
            made.clear()
            derive(0.5, -1.5)
            assert made and all(r() is None for r in made), derive
        x = Value(0.5)
        made.clear()
        g = f(x, Value(2.0)).backward(create_graph=True)[x]  # a gradient that is a graph
        assert any(r() is not None for r in made)
        del g
        assert all(r() is None for r in made if r() is not x)
    finally:
        gc.enable()


def test_memory_does_not_grow_over_a_thousand_steps_of_fit(tmp_path):
    X = [[0.1 * i, 0.3 - 0.05 * i] for i in range(40)]
    y = [i % 2 for i in range(40)]
    model = MLP(2, [4, 1], rng=0, dropout=0.1)
    opt = Adam(model.parameters(), lr=0.01)
    path = tmp_path / "ck.json"

    def run(epochs):  # 10 steps per epoch, a checkpoint after each epoch
        fit(model, binary_cross_entropy, opt, X, y, epochs=epochs, batch_size=4, progress=False,
            checkpoint=path, resume=path if path.exists() else None)

    tracemalloc.start()
    try:
        run(10)
        gc.collect()
        early = tracemalloc.get_traced_memory()[0]
        run(100)  # 900 more steps and 90 more checkpoints
        gc.collect()
        late = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert opt.t == 1000
    # the history grows by a few numbers per epoch; graphs and files must not add more
    assert late - early < 64 * 1024, f"memory grew by {late - early} bytes over 900 steps"
