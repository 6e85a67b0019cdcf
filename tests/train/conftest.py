"""Data shared by the training tests."""

from __future__ import annotations

import pytest

from tinygrad_scalar.data import make_blobs


@pytest.fixture(scope="module")
def blobs():
    return make_blobs(n=60, k=3, noise=1.0, rng=4)
