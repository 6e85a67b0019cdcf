"""Logistic regression against a deep network, on images.

On ``make_shapes`` (filled circles against filled squares of the same area, at random
positions and sizes, with noise; nothing to download), or on your own images with
``--folder path`` (one sub-folder per class, read with Pillow), a logistic regression
(``MLP(n, [1])``: one linear score, binary cross-entropy) and a deep network
(``MLP(n, [32, 16, 1])``, ReLU) are trained on the same 70% and tested on the other 30%.
A logistic regression weighs each pixel once, wherever the shape is; the deep network can
combine pixels into parts of shapes. Prints both accuracies and writes
``images_compare.png`` (their test accuracy per epoch) and ``images_samples.png``.

    python demos/images.py [--epochs 15] [--quick] [--seed 0] [--out out]
    python demos/images.py --folder my_photos --size 32 [--color]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _pictures import curves, image_grid  # noqa: E402

from tinygrad_scalar import MLP, fit  # noqa: E402
from tinygrad_scalar.cli import ScriptParser  # noqa: E402
from tinygrad_scalar.data import load_image_folder, make_shapes, train_test_split  # noqa: E402
from tinygrad_scalar.optim import Adam  # noqa: E402


def _data(args) -> Tuple[List[List[float]], List[int], Tuple[str, ...], Tuple[int, int]]:
    if args.folder:
        data = load_image_folder(args.folder, size=(args.size, args.size),
                                 grayscale=not args.color, on_error="skip")
        if len(data.target_names) != 2:
            raise SystemExit(f"images: --folder needs exactly two class folders, found "
                             f"{list(data.target_names)}")
        return data.X, data.y, data.target_names, (args.size, args.size)
    size = 10 if args.quick else args.size
    X, y = make_shapes(120 if args.quick else 600, size=size, rng=args.seed)
    return X, y, ("circle", "square"), (size, size)


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, float]:
    """Train both models; return their test accuracies."""
    ap = ScriptParser(description="Logistic regression against a deep network on images.")
    ap.add_argument("--epochs", type=int, default=15, help="training epochs (default 15)")
    ap.add_argument("--quick", action="store_true", help="3 epochs on small images")
    ap.add_argument("--seed", type=int, default=0, help="seed for data, split and weights")
    ap.add_argument("--out", default="out", help="folder for pictures (default out/)")
    ap.add_argument("--folder", help="your own images: one sub-folder per class (two)")
    ap.add_argument("--size", type=int, default=12, help="image side in pixels (default 12)")
    ap.add_argument("--color", action="store_true", help="read --folder images in RGB")
    ap.add_argument("--backend", choices=("auto", "c", "python", "interpreted"), default="auto",
                    help="what runs the training steps (default auto: compiled, in C where a "
                    "compiler works)")
    args = ap.parse_args(argv)
    epochs = 3 if args.quick else args.epochs
    if epochs < 1 or args.size < 6:
        ap.error("--epochs must be at least 1 and --size at least 6")
    X, y, names, shape = _data(args)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, rng=args.seed,
                                                        stratify=True)
    n = len(X[0])
    models = {"logistic regression": (MLP(n, [1], rng=args.seed), 0.01),
              "deep network": (MLP(n, [32, 16, 1], rng=args.seed), 0.003)}
    result, val = {}, {}
    for name, (model, lr) in models.items():
        t0 = time.perf_counter()
        history = fit(model, "binary_cross_entropy", Adam(model.parameters(), lr=lr),
                      X_train, y_train, epochs=epochs, batch_size=32, seed=args.seed,
                      validation=(X_test, y_test), progress=False,
                      compiled=args.backend != "interpreted",
                      backend="auto" if args.backend == "interpreted" else args.backend)
        result[name], val[name] = history.last("val_accuracy"), history["val_accuracy"]
        print(f"images: {name:20s} training accuracy {history.last('accuracy'):6.1%}, "
              f"test accuracy {result[name]:6.1%} ({time.perf_counter() - t0:.1f} s, "
              f"backend: {history.backend})")
    out = Path(args.out)
    pic = curves(val, out / "images_compare.png",
                 f"{' against '.join(names)}, {shape[0]}x{shape[1]} pixels: test accuracy",
                 ylabel="test accuracy", log=False)
    grey = not args.color or not args.folder
    samples = image_grid(X_test[:16] if grey else [], shape, [names[t] for t in y_test[:16]],
                         [False] * 16, out / "images_samples.png", "some held-out images")
    print(f"wrote {pic}, {samples}")
    return result


if __name__ == "__main__":
    main()
