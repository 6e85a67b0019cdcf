"""How fit reports: verbose=0 silent, 1 a line per epoch on stdout, 2 a tqdm.auto bar;
progress=True shows the bar in a terminal or a notebook."""

from __future__ import annotations

import sys
import types

import pytest
import tqdm.auto

from tinygrad_scalar import MLP, Value
from tinygrad_scalar.nn import Module
from tinygrad_scalar.optim import Adam
from tinygrad_scalar.train import fit
from tinygrad_scalar.train import progress as progress_module

X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
Y = [0, 1, 1, 0]


class FakeBar:
    made: list = []

    def __init__(self, **kw):
        self.kw, self.updates, self.postfix, self.closed = kw, 0, {}, False
        FakeBar.made.append(self)

    def update(self, n=1):
        self.updates += n

    def set_postfix(self, **kw):
        self.postfix = kw

    def close(self):
        self.closed = True


@pytest.fixture
def fake_tqdm(monkeypatch):
    FakeBar.made = []
    monkeypatch.setattr(tqdm.auto, "tqdm", FakeBar)  # fit must take its bar from tqdm.auto
    return FakeBar


def _fit(**kw):
    model = MLP(2, [4, 2], rng=0)
    return fit(model, "softmax_cross_entropy", Adam(model.parameters(), lr=0.05), X, Y,
               epochs=3, validation=(X, Y), **kw)


def test_verbose_1_prints_one_line_per_epoch(capsys, fake_tqdm):
    h = _fit(verbose=1)
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 3 and err == "" and not fake_tqdm.made
    for i, text in enumerate(lines, 1):
        assert text.startswith(f"epoch {i}/3  loss ")
        for key in ("accuracy", "val_loss", "val_accuracy", "lr 0.05"):
            assert key in text
        assert text.endswith("s")
    assert f"loss {h['loss'][0]:.4g}" in lines[0]


def test_verbose_0_and_progress_false_are_silent(capsys, fake_tqdm):
    _fit(verbose=0)
    _fit(progress=False)
    _fit(progress=True, verbose=0)  # verbose wins
    assert capsys.readouterr() == ("", "") and not fake_tqdm.made


def test_verbose_2_is_a_tqdm_auto_bar(capsys, fake_tqdm):
    _fit(verbose=2)
    (bar,) = fake_tqdm.made
    assert bar.updates == 3 and bar.closed and bar.kw["total"] == 3
    assert set(bar.postfix) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert capsys.readouterr().out == ""


def test_progress_shows_the_bar_in_a_notebook_not_in_a_log(monkeypatch, fake_tqdm):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    _fit()  # a log file: nothing
    assert not fake_tqdm.made
    ipython = types.ModuleType("IPython")
    shell = type("ZMQInteractiveShell", (), {})()
    ipython.get_ipython = lambda: shell
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    assert progress_module.in_notebook()
    _fit()
    assert len(fake_tqdm.made) == 1 and fake_tqdm.made[0].updates == 3


def test_in_notebook_is_false_in_a_plain_ipython(monkeypatch):
    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: type("TerminalInteractiveShell", (), {})()
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    assert not progress_module.in_notebook()


@pytest.mark.parametrize("bad", [3, -1, True, 1.0, "1"])
def test_bad_verbose_is_refused(bad):
    with pytest.raises(ValueError, match="fit: verbose must be 0"):
        _fit(verbose=bad)


def test_a_model_without_parameters_is_refused_with_the_likely_cause():
    class Empty(Module):
        def __init__(self):
            self.weights = [0.5, -0.5]  # numbers, not Values

        def __call__(self, x):
            return [x[0] * 0.0 + self.weights[0], x[1] * 0.0 + self.weights[1]]

    with pytest.raises(ValueError, match="no parameters: did you store Values or modules"):
        fit(Empty(), "softmax_cross_entropy", Adam([Value(1.0)], lr=0.1), X, Y, epochs=1,
            verbose=0)
