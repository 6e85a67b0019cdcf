"""Images as rows of pixels: ``make_shapes`` (generated, nothing to download) and
``load_image_folder`` (your own PNG/JPEG files, one sub-folder per class).

An image of height ``h`` and width ``w`` becomes one row of ``h * w`` floats in [0, 1],
read row by row (``pixel_r_c``); in colour each pixel gives its red, green and blue values
one after the other (``pixel_r_c_red``...), as Pillow and NumPy lay them out.

>>> X, y = make_shapes(4, size=8, rng=0)
>>> len(X), len(X[0]), y, min(min(r) for r in X) >= 0.0, max(max(r) for r in X) <= 1.0
(4, 64, [0, 1, 0, 1], True, True)
"""

from __future__ import annotations

import math
import os
import random
import warnings
from typing import Any

from ..core.checks import RngLike, integer, make_rng, positive
from .bundled import Dataset

__all__ = ["load_image_folder", "make_shapes", "IMAGE_SUFFIXES"]

#: the files ``load_image_folder`` reads (others in the class folders are left alone)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


def make_shapes(n: int = 200, size: int = 16, noise: float = 0.1,
                rng: RngLike = None) -> tuple[list[list[float]], list[int]]:
    """``n`` grey images of ``size x size`` pixels: filled circles (label 0) and filled
    squares (label 1) of the same area, alternately.

    Each shape has a random size (radius 0.18 to 0.3 of the image) and a random position
    (its centre moves up to 60% of the way from the middle to where the shape would touch
    the border); a pixel's value is the share of it the shape covers, plus Gaussian noise of standard deviation ``noise``, clipped to [0, 1]. Both shapes
    have the same area, so the brightness of an image does not give its class away.

    Args:
        n: number of images, at least 2.
        size: the side of an image in pixels, 6 to 64.
        noise: the noise's standard deviation, >= 0.
        rng: an int seed, a ``random.Random`` (used as is), or ``None`` for Python's
            global generator.

    Returns:
        ``(X, y)``: ``n`` rows of ``size * size`` floats and ``n`` labels in ``{0, 1}``.
    """
    fn = "make_shapes"
    n = integer(n, fn, "n", minimum=2)
    size = integer(size, fn, "size", minimum=6)
    if size > 64:
        raise ValueError(f"{fn}: size must be at most 64 pixels, got {size}")
    noise = positive(noise, fn, "noise", allow_zero=True)
    r = make_rng(rng, fn)
    X, y = [], []
    for i in range(n):
        label = i % 2
        X.append(_shape(label, size, noise, r))
        y.append(label)
    return X, y


def _shape(label: int, size: int, noise: float, r: random.Random) -> list[float]:
    """One image: a circle (0) or a square (1) of random radius and position."""
    radius = r.uniform(0.18, 0.3) * size
    half = radius * math.sqrt(math.pi) / 2  # a square of the circle's area
    reach = radius if label == 0 else half
    room = size / 2 - reach  # how far the centre may move and keep the shape inside
    cx, cy = (size / 2 + r.uniform(-0.6, 0.6) * room for _ in range(2))
    pixels = []
    for row in range(size):
        for col in range(size):
            if label == 0:
                v = _circle_cover(col + 0.5 - cx, row + 0.5 - cy, radius)
            else:  # the overlap of the pixel with the square, exactly
                v = (_overlap(col - cx, col + 1 - cx, half)
                     * _overlap(row - cy, row + 1 - cy, half))
            if noise:
                v += r.gauss(0.0, noise)
            pixels.append(min(1.0, max(0.0, v)))
    return pixels


def _overlap(lo: float, hi: float, half: float) -> float:
    """The length of ``[lo, hi]`` inside ``[-half, half]``."""
    return max(0.0, min(hi, half) - max(lo, -half))


def _circle_cover(x: float, y: float, radius: float) -> float:
    """The share of the unit pixel centred at ``(x, y)`` inside the circle (4 x 4 samples
    where the edge crosses it)."""
    d = math.hypot(x, y)
    if d <= radius - 0.75:
        return 1.0
    if d >= radius + 0.75:
        return 0.0
    inside = 0
    for dy in (-0.375, -0.125, 0.125, 0.375):
        for dx in (-0.375, -0.125, 0.125, 0.375):
            inside += (x + dx) ** 2 + (y + dy) ** 2 <= radius * radius
    return inside / 16


def _size(size: Any) -> tuple[int, int]:
    if not isinstance(size, (tuple, list)) or len(size) != 2:
        raise TypeError(f"load_image_folder: size must be a pair (height, width), "
                        f"got {size!r:.60}")
    h, w = (integer(s, "load_image_folder", "size", minimum=1) for s in size)
    if h * w > 1 << 20:
        raise ValueError(f"load_image_folder: size {h} x {w} is too large (at most 2**20 "
                         f"pixels an image)")
    return h, w


def _files(root: str) -> list[tuple[str, list[str]]]:
    """``(class name, [image paths])`` for every sub-folder of ``root``, sorted."""
    out = []
    for name in sorted(os.listdir(root)):
        folder = os.path.join(root, name)
        if name.startswith(".") or not os.path.isdir(folder):
            continue
        files = sorted(os.path.join(folder, f) for f in os.listdir(folder)
                       if f.lower().endswith(IMAGE_SUFFIXES) and not f.startswith("."))
        out.append((name, files))
    return out


def load_image_folder(path: str | os.PathLike, size: tuple[int, int] = (32, 32),
                      grayscale: bool = True, on_error: str = "raise") -> Dataset:
    """Images from ``path``, one sub-folder per class (``path/cat/1.png``,
    ``path/dog/7.jpg``...), resized to ``size = (height, width)`` and scaled to [0, 1].

    Classes are the sub-folders in sorted order (``target_names``); in each, the files
    ending in ``.png``, ``.jpg`` or ``.jpeg`` are read with Pillow (``pip install pillow``,
    or the ``images`` extra), converted to grey (``grayscale=True``) or RGB, and resized
    (bilinear). A file Pillow cannot read is named in a ``ValueError`` with
    ``on_error="raise"``; with ``on_error="skip"`` it is left out and one warning names
    every file skipped.

    Returns:
        a ``Dataset``: ``X`` one row per image, ``y`` its class index, ``feature_names``
        the pixels, ``target_names`` the class folders.
    """
    fn = "load_image_folder"
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{fn}: path must be a str or a path, got {type(path).__name__}")
    root = os.fspath(path)
    if not isinstance(root, str):
        raise TypeError(f"{fn}: path must be a str or a path, got bytes")
    h, w = _size(size)
    if not isinstance(grayscale, bool):
        raise TypeError(f"{fn}: grayscale must be True or False, got {grayscale!r:.40}")
    if on_error not in ("raise", "skip"):
        raise ValueError(f"{fn}: on_error must be 'raise' or 'skip', got {on_error!r:.40}")
    if not os.path.isdir(root):
        raise FileNotFoundError(f"{fn}: {root!r} is not a folder")
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(f"{fn} reads images with Pillow: pip install pillow "
                          f"(or pip install 'tinygrad-scalar[images]')") from None
    classes = _files(root)
    if not classes or not any(files for _, files in classes):
        raise ValueError(f"{fn}: {root!r} holds no class folder with .png or .jpg images")
    X, y, skipped = [], [], []
    for label, (_, files) in enumerate(classes):
        for f in files:
            try:
                with Image.open(f) as opened:
                    values = opened.convert("L" if grayscale else "RGB").resize(
                        (w, h), Image.Resampling.BILINEAR).tobytes()
            except (OSError, ValueError, Image.DecompressionBombError) as e:
                if on_error == "raise":
                    raise ValueError(f"{fn}: cannot read the image {f!r} ({e}); pass "
                                     f"on_error='skip' to leave such files out") from None
                skipped.append(f)
                continue
            X.append([v / 255.0 for v in values])
            y.append(label)
    if skipped:
        warnings.warn(f"{fn}: skipped {len(skipped)} unreadable file(s): "
                      f"{', '.join(skipped[:20])}{' ...' if len(skipped) > 20 else ''}",
                      UserWarning, stacklevel=2)
    if not X:
        raise ValueError(f"{fn}: no image of {root!r} could be read")
    channels = [""] if grayscale else ["_red", "_green", "_blue"]
    names = tuple(f"pixel_{r}_{c}{ch}" for r in range(h) for c in range(w) for ch in channels)
    return Dataset(X, y, names, tuple(name for name, _ in classes),
                   f"Images from {root}: {len(X)} images of {h} x {w} pixels "
                   f"({'grey' if grayscale else 'RGB'}), {len(classes)} classes"
                   + (f"; {len(skipped)} unreadable files skipped" if skipped else ""))
