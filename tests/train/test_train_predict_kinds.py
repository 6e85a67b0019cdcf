"""predict gives logits (the default), labels or probabilities."""

from __future__ import annotations

import math

import pytest

from tinygrad_scalar import MLP, evaluate, predict


def _one_score():
    m = MLP(2, [1], rng=0)
    m.load_state_dict({"L0.N0.w0": 1.0, "L0.N0.w1": 2.0, "L0.N0.b": 0.5})
    return m


def _three_scores():
    m = MLP(2, [3], rng=0)
    m.load_state_dict({f"L0.N{j}.{p}": float(j * (i + 1)) * (-1) ** i
                       for j in range(3) for i, p in enumerate(["w0", "w1", "b"])})
    return m


X = [[1.0, 1.0], [0.0, -1.0], [-2.0, 0.5]]


def test_default_is_the_raw_outputs():
    m = _one_score()
    assert predict(m, X) == predict(m, X, kind="logits") == [3.5, -1.5, -0.5]


def test_labels_and_probabilities_from_one_score():
    m = _one_score()
    assert predict(m, X, kind="labels") == [1, 0, 0]
    assert predict(m, X, kind="labels", negative=-1) == [1, -1, -1]
    proba = predict(m, X, kind="proba")
    assert proba == pytest.approx([1 / (1 + math.exp(-z)) for z in (3.5, -1.5, -0.5)])
    assert all(type(p) is float for p in proba)


def test_labels_and_probabilities_from_several_scores():
    m = _three_scores()
    logits = predict(m, X)
    labels = predict(m, X, kind="labels")
    assert labels == [max(range(3), key=row.__getitem__) for row in logits]
    for row, p in zip(logits, predict(m, X, kind="proba")):
        e = [math.exp(z) for z in row]
        assert p == pytest.approx([z / sum(e) for z in e])
        assert sum(p) == pytest.approx(1.0)


def test_labels_count_as_evaluate_counts_accuracy():
    m = _three_scores()
    y = [0, 1, 2]
    labels = predict(m, X, kind="labels")
    acc = evaluate(m, "softmax_cross_entropy", X, y)["accuracy"]
    assert acc == sum(a == b for a, b in zip(labels, y)) / len(y)


def test_probabilities_of_huge_scores_do_not_overflow():
    m = _one_score()
    assert predict(m, [[1e6, 1e6], [-1e6, -1e6]], kind="proba") == [1.0, 0.0]


def test_bad_kind_or_negative_is_named():
    with pytest.raises(ValueError, match="predict: kind must be one of logits, labels, proba"):
        predict(_one_score(), X, kind="probability")
    with pytest.raises(ValueError, match="predict: negative must be 0 or -1"):
        predict(_one_score(), X, kind="labels", negative=2)
    with pytest.raises(ValueError, match="predict: X has no rows"):
        predict(_one_score(), [])
