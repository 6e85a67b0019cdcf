"""The benchmark suite (benchmarks/suite.py) measures what it says (no timing is asserted)."""

from __future__ import annotations

import doctest
import sys
from pathlib import Path

import pytest

from benchmarks import engines, suite
from tinygrad_scalar import Value


def test_count_nodes_counts_shared_nodes_once():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + c  # c is shared, a * b appears once
    assert suite.count_nodes(d) == 4
    assert suite.count_nodes(Value.sum([a, a, b])) == 3


def test_count_nodes_reads_micrograd_graphs():
    micro = pytest.importorskip("micrograd.engine")
    a = micro.Value(1.0)
    assert suite.count_nodes(a * a + a) == 3


def test_bytes_per_node_is_the_node_its_float_and_the_pointers_to_it():
    b, n = suite.bytes_per_node(lambda: Value.sum([Value(float(i)) for i in range(10_000)]))
    assert n == 10_001
    node, number, pointer = sys.getsizeof(Value(0.0)), sys.getsizeof(1.5), 8
    assert node <= b <= node + number + 2 * pointer  # in the list and in the sum's parents

    b, n = suite.bytes_per_node(lambda: Value.dot([Value(float(i)) for i in range(500)],
                                                  [Value(1.0)] * 500))
    assert n == 502


def test_graph_nodes_stay_small():
    X, y = engines.demo_data(10)
    w = engines.initial_weights()
    b, n = suite.bytes_per_node(lambda: engines.OpByOp(Value, w).graph(X, y))
    assert n > 7000
    assert b <= 130


def test_the_four_demo_steps_compute_the_same_training():
    X, y = engines.demo_data(20)
    w = engines.initial_weights()
    ways = [engines.OpByOp(Value, w), engines.Fused(w), engines.CompiledStep(w), engines.Floats(w)]
    for _ in range(3):
        losses = [e.step(X, y, 0.1) for e in ways]
        assert max(losses) - min(losses) < 1e-12 * max(1.0, abs(losses[0]))
    micro = pytest.importorskip("micrograd.engine")
    m = engines.OpByOp(micro.Value, w)
    ours = engines.OpByOp(Value, w)
    for _ in range(2):
        assert abs(m.step(X, y, 0.1) - ours.step(X, y, 0.1)) < 1e-12


def test_quick_run_prints_every_table(capsys):
    results = suite.main(["--quick", "--no-micrograd"])
    out = capsys.readouterr().out
    for title in ("demo step", "Chain of 2,000", "Sum of 2,000", "One operation", "Memory"):
        assert title in out
    assert {r["engine"] for r in results["demo step"]} == {
        "op-by-op", "fused MLP", "compiled", "plain floats"}
    assert all(r["seconds"] > 0 for r in results["chain"])


def test_bad_sizes_are_refused():
    with pytest.raises(SystemExit):
        suite.main(["--chain", "0"])


def test_doctests_of_the_suite_pass():
    for module in (suite, engines):
        assert doctest.testmod(module).failed == 0


def test_the_suite_is_not_part_of_the_library():
    root = Path(__file__).resolve().parents[2]
    assert (root / "benchmarks" / "suite.py").is_file()
    assert not (root / "tinygrad_scalar" / "bench.py").exists()


def test_the_training_tables_print_every_row_and_ratio():
    from benchmarks import training

    digits = [{"engine": "fused", "first": 1.0, "steady": 0.8, "accuracy": 0.9, "held": 1e6},
              {"engine": "native (C)", "first": 0.5, "steady": 0.01, "accuracy": 0.9,
               "held": 0.0}]
    demo = [{"engine": "micrograd", "on": 0.1, "off": 0.01},
            {"engine": "PyTorch batched", "on": 0.0004, "off": 0.0004}]
    scaling = [{"width": 16, "batch": 32, "native": 0.0001, "torch": 0.0004, "compile": 0.2}]
    text = training.report(digits, demo, scaling)
    assert "Load average" in text and "| native (C) | 500.0 | 10.0 | 80.00x |" in text
    assert "90% of its time" in text and "| 16 | 32 | 0.100 | 0.400 | 4.00x | 0.20 |" in text


def test_the_demo_step_runs_in_every_engine():
    from benchmarks import training

    rows = training.bench_demo(1, None, None)
    names = [r["engine"] for r in rows]
    assert "plain floats" in names and "fit, compiled python" in names
    assert all(r["on"] > 0 and r["off"] > 0 for r in rows)
