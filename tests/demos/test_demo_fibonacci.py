"""demos/alpha_vs_beta.py's Fibonacci analogy: Beta calls as naive fib, Alpha steps as iterative."""

from __future__ import annotations

from test_demos import load_demo

from tinygrad_scalar.naive import cost


def test_the_four_counts_pair_up():
    demo = load_demo("alpha_vs_beta")
    for n in range(2, 12):
        calls, steps = [0], [0]
        assert demo.fib_recursive(n, calls) == demo.fib_iterative(n, steps)
        out, x = demo.fibonacci_graph(n)
        assert cost(out, x) == calls[0]  # Beta's recursion is fib's recursion
        assert steps[0] == n - 1 == len(out.topological_order()) - 2  # one per node
    assert [demo.fib_iterative(n, [0]) for n in range(8)] == [0, 1, 1, 2, 3, 5, 8, 13]


def test_the_table_shows_them_side_by_side():
    text = load_demo("alpha_vs_beta").fibonacci([10])
    assert text.splitlines()[-1].split() == ["10", "55", "|", "177", "177", "|", "9", "9"]
