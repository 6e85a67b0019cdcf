"""The page of a training run: what ``fit(..., report=...)`` and ``TrainingReport`` write."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List

import pytest

from tinygrad_scalar import MLP
from tinygrad_scalar.data import make_blobs, make_moons
from tinygrad_scalar.losses import softmax_cross_entropy
from tinygrad_scalar.optim import SGD, Adam
from tinygrad_scalar.train import History, TrainingReport, fit


def report_data(path: Path) -> Dict[str, Any]:
    text = path.read_text("utf-8")
    m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', text, re.S)
    assert m is not None
    return json.loads(m.group(1))


def moons(n: int = 40) -> tuple:
    X, y = make_moons(n=n, noise=0.1, rng=0)
    return X, y


def test_fit_writes_curves_frames_and_the_confusion_matrix(tmp_path: Path) -> None:
    X, y = moons()
    model = MLP(2, [8, 2], rng=0)
    page = tmp_path / "run.html"
    history = fit(model, "softmax_cross_entropy", Adam(model.parameters(), lr=0.05), X, y,
                  epochs=4, batch_size=20, progress=False, report=page)
    data = report_data(page)
    assert data["history"]["loss"] == history["loss"]
    assert data["history"]["accuracy"] == history["accuracy"]
    assert data["history"]["lr"] == history["lr"]
    assert [f["epoch"] for f in data["frames"]] == [1, 2, 3, 4]
    assert all(len(f["p"]) == data["grid"] ** 2 and all(0 <= p <= 1 for p in f["p"])
               for f in data["frames"])
    matrix = data["confusion"]["matrix"]
    assert data["confusion"]["labels"] == [0, 1] and sum(map(sum, matrix)) == len(X)
    correct = matrix[0][0] + matrix[1][1]
    assert correct / len(X) == pytest.approx(history["accuracy"][-1], abs=0.3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.html"]  # no temporary file left


def test_the_page_is_rewritten_after_every_epoch(tmp_path: Path) -> None:
    X, y = moons(20)
    model = MLP(2, [4, 2], rng=0)
    page = tmp_path / "run.html"
    seen: List[int] = []

    def loss(outs: Any, targets: Any) -> Any:  # reads the page while training goes on
        if page.exists():
            seen.append(len(report_data(page)["history"]["epoch"]))
        return softmax_cross_entropy(outs, targets)

    fit(model, loss, SGD(model.parameters(), lr=0.1), X, y, epochs=3, progress=False,
        report=page)
    assert seen == [1, 2]  # epoch 2 sees the page of epoch 1, epoch 3 that of epoch 2
    assert len(report_data(page)["history"]["epoch"]) == 3


def test_three_classes_give_a_class_per_cell(tmp_path: Path) -> None:
    X, y = make_blobs(n=30, centers=3, rng=0)
    model = MLP(2, [6, 3], rng=0)
    report = TrainingReport(tmp_path / "blobs.html", X, y, grid=6, every=2, epochs=3)
    fit(model, "softmax_cross_entropy", Adam(model.parameters(), lr=0.05), X, y, epochs=3,
        progress=False, report=report)
    data = report_data(tmp_path / "blobs.html")
    assert [f["epoch"] for f in data["frames"]] == [1, 2, 3]  # first, every 2nd, last
    assert all(isinstance(c, list) and c[0] in (0, 1, 2) for c in data["frames"][0]["p"])
    assert len(data["confusion"]["matrix"]) == 3


def test_a_regression_has_curves_only(tmp_path: Path) -> None:
    X = [[i / 10, 1 - i / 10] for i in range(10)]
    y = [0.3 * i + 0.05 for i in range(10)]
    model = MLP(2, [1], rng=0)
    fit(model, "mse", SGD(model.parameters(), lr=0.05), X, y, epochs=2, progress=False,
        report=tmp_path / "r.html")
    data = report_data(tmp_path / "r.html")
    assert data["classes"] is None and data["frames"] == [] and data["confusion"] is None
    assert len(data["history"]["loss"]) == 2


def test_user_text_cannot_break_out_of_the_page(tmp_path: Path) -> None:
    evil = "</script><script>alert(1)</script>"
    report = TrainingReport(tmp_path / "r.html", [[0.0, 1.0]], [1], title=evil)
    h = History()
    h.append(epoch=1, loss=0.5)
    text = report.update(h, MLP(2, [1], rng=0)).read_text("utf-8")
    assert "<script>alert(1)" not in text and text.count("</script>") == 2
    assert report_data(tmp_path / "r.html")["title"] == evil


def test_bad_arguments_are_named(tmp_path: Path) -> None:
    X, y = moons(10)
    model = MLP(2, [2], rng=0)
    with pytest.raises(TypeError, match=r"fit: report must be a path"):
        fit(model, "softmax_cross_entropy", SGD(model.parameters(), lr=0.1), X, y, epochs=1,
            progress=False, report=5)  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError, match=r"TrainingReport: .*does not exist"):
        TrainingReport(tmp_path / "no" / "r.html", X, y)
    with pytest.raises(ValueError, match=r"TrainingReport: grid"):
        TrainingReport(tmp_path / "r.html", X, y, grid=500)
    with pytest.raises(ValueError, match=r"TrainingReport: X and y"):
        TrainingReport(tmp_path / "r.html", X, y[:-1])
