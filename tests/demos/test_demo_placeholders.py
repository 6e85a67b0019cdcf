"""demos/placeholders.py: both models learn through one graph each, fed every batch."""

from __future__ import annotations

import pytest
from test_demos import load_demo


def test_quick_run_learns_and_writes_both_pictures(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="the demos extra is not installed")
    pytest.importorskip("tqdm", reason="tqdm is not installed")
    result = load_demo("placeholders").main(["--quick", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert ("backend c" in out or "backend python" in out) and "loss" in out
    assert 0.0 < result["sigmoid_unit"] < 0.06 and 0.0 < result["hidden_layer"] < 0.07
    for name in ("placeholders_loss", "placeholders_fit"):
        assert (tmp_path / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
