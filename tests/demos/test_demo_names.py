"""demos/names.py: the bigram baseline, the compiled batch program, sampling."""

from __future__ import annotations

import random

import pytest
from test_demos import load_demo

from tinygrad_scalar import Value


def test_quick_run_prints_both_losses_the_backend_and_20_names(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="the demos extra is not installed")
    pytest.importorskip("tqdm", reason="tqdm is not installed")
    result = load_demo("names").main(["--quick", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "backend: python" in out and "20 names from the MLP:" in out
    names = out.split("20 names from the MLP:")[1].splitlines()[0].split(", ")
    assert len(names) == 20
    assert 2.0 < result["bigram_test"] < 3.0 and result["mlp_test"] < 3.3  # log(27) = 3.30
    assert (tmp_path / "names_loss.png").read_bytes()[:4] == b"\x89PNG"


def test_bigram_loss_by_hand():
    demo = load_demo("names")
    P = demo.bigram_model(["ab"])  # counts + 1: from ".", a follows once in 28
    assert P[0][1] == 2 / 28 and abs(sum(P[5]) - 1.0) < 1e-12
    assert demo.contexts(["ab"]) == [((0, 0, 0), 1), ((0, 0, 1), 2), ((0, 1, 2), 0)]


def test_the_batch_program_equals_the_graph_built_for_the_batch():
    demo = load_demo("names")
    model = demo.CharMLP(2, 4, random.Random(0))
    step = demo.BatchProgram(model, 3, backend="python")
    rows = [((0, 0, 0), 5), ((0, 0, 5), 1)]  # two rows, one padding row
    got = step(rows)
    grads = [p.grad for p in model.parameters()]
    for p in model.parameters():
        p.grad = 0.0
    terms = []
    for context, target in rows:  # the same loss, built directly with one-hot constants
        z = model.logits([[1.0 if c == k else 0.0 for c in range(27)] for k in context])
        terms.append(Value.sum([(v - z[target]).exp() for v in z]).log())
    loss = Value.sum(terms) * 0.5
    loss.backward()
    assert abs(got - loss.data) < 1e-12
    assert all(abs(a - p.grad) < 1e-12 for a, p in zip(grads, model.parameters()))
