"""Make up first names: a character-level language model on 5,163 real ones.

The names of ``load_names()`` (1990 US Census) are split 80/10/10 by name. Each name is
read as a sequence of characters ending in ``.``; the model predicts each character from
the previous three (``...`` before the start), over 27 symbols.

1. **Bigram counts**, the baseline: P(next | previous) from counts (plus one).
2. **An MLP over the previous 3 characters**: each character's one-hot vector (27 numbers)
   times an embedding matrix ``C`` (27 x ``dim`` parameters, shared by the 3 positions),
   the 3 embeddings side by side into a tanh layer, then 27 logits and softmax
   cross-entropy. Mini-batches of ``--batch`` contexts.

The MLP's graph is **built once** for a whole mini-batch, on placeholders (the one-hot
inputs, the one-hot targets and a weight per row), wrapped in a ``Program`` and compiled;
every batch is then *fed* to the same code, with no graph built during training. The
demo prints which backend ran it. Prints the held-out loss (nats per character) of both
models and 20 names sampled from a seeded generator, and writes ``out/names_loss.png``.

    python demos/names.py [--epochs 2] [--quick] [--out out] [--seed 0]
"""

from __future__ import annotations

import math
import random
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinygrad_scalar import Program, Value  # noqa: E402
from tinygrad_scalar.cli import ScriptParser  # noqa: E402
from tinygrad_scalar.data import load_names  # noqa: E402
from tinygrad_scalar.math import logsumexp  # noqa: E402
from tinygrad_scalar.optim import Adam  # noqa: E402

SYMBOLS = "." + "abcdefghijklmnopqrstuvwxyz"  # "." starts and ends every name
INDEX = {c: i for i, c in enumerate(SYMBOLS)}
K = len(SYMBOLS)  # 27
BLOCK = 3  # characters of context


def contexts(names: Sequence[str]) -> List[Tuple[Tuple[int, ...], int]]:
    """Every (previous 3 characters, next character) pair of ``names``, as indices."""
    pairs = []
    for name in names:
        context = (0,) * BLOCK
        for c in name + ".":
            pairs.append((context, INDEX[c]))
            context = context[1:] + (INDEX[c],)
    return pairs


# ---------------------------------------------------------------- 1. bigram counts
def bigram_model(names: Sequence[str]) -> List[List[float]]:
    """P[a][b]: probability of ``b`` after ``a``, from counts plus one (no zero)."""
    counts = [[1.0] * K for _ in range(K)]
    for name in names:
        for a, b in zip("." + name, name + "."):
            counts[INDEX[a]][INDEX[b]] += 1.0
    return [[c / sum(row) for c in row] for row in counts]


def bigram_loss(P: List[List[float]], names: Sequence[str]) -> float:
    """Mean negative log-likelihood per character (nats) of ``names`` under ``P``."""
    nll = [-math.log(P[INDEX[a]][INDEX[b]]) for n in names for a, b in zip("." + n, n + ".")]
    return sum(nll) / len(nll)


# ---------------------------------------------------------------- 2. the MLP
class CharMLP:
    """Embedding ``C`` (27 x dim), a tanh layer of ``hidden`` units, 27 logits."""

    def __init__(self, dim: int, hidden: int, rng: random.Random) -> None:
        def matrix(rows: int, cols: int, scale: float, name: str) -> List[List[Value]]:
            return [[Value(rng.gauss(0.0, scale), label=f"{name}[{i}][{j}]") for j in range(cols)]
                    for i in range(rows)]
        self.C = matrix(dim, K, 1.0, "C")  # column c of C is the embedding of symbol c
        self.W1 = matrix(hidden, BLOCK * dim, (BLOCK * dim) ** -0.5, "W1")
        self.b1 = [Value(0.0, label=f"b1[{i}]") for i in range(hidden)]
        self.W2 = matrix(K, hidden, 0.1 * hidden ** -0.5, "W2")
        self.b2 = [Value(0.0, label=f"b2[{i}]") for i in range(K)]

    def parameters(self) -> List[Value]:
        rows = self.C + self.W1 + self.W2
        return [p for row in rows for p in row] + self.b1 + self.b2

    def logits(self, onehots: Sequence[Sequence[Value]]) -> List[Value]:
        """27 logits from 3 one-hot vectors (the same ``C`` embeds each position)."""
        emb = [Value.dot(row, x) for x in onehots for row in self.C]
        h = [Value.dot(w, emb, bias=b).tanh() for w, b in zip(self.W1, self.b1)]
        return [Value.dot(w, h, bias=b) for w, b in zip(self.W2, self.b2)]


class BatchProgram:
    """The loss of a mini-batch of ``size`` contexts, built once on placeholders."""

    def __init__(self, model: CharMLP, size: int, backend: str) -> None:
        def holders(name: str, n: int) -> List[Value]:
            return [Value.placeholder(f"{name}{i}") for i in range(n)]
        self.size = size
        self.x = [[holders(f"x{b}_{k}_", K) for k in range(BLOCK)] for b in range(size)]
        self.y = [holders(f"y{b}_", K) for b in range(size)]
        self.w = holders("w", size)  # size / rows for a real row, 0 for padding
        terms = []
        for xb, yb in zip(self.x, self.y):
            z = model.logits(xb)  # cross-entropy: log sum exp(z) - z[target]
            terms.append(logsumexp(z) - Value.dot(yb, z))
        loss = Value.dot(self.w, terms) * (1.0 / size)
        inputs = [v for xb in self.x for xk in xb for v in xk] + \
                 [v for yb in self.y for v in yb] + self.w
        self.program = Program(loss, inputs).compile(backend)

    def __call__(self, rows: Sequence[Tuple[Tuple[int, ...], int]]) -> float:
        """Loss of ``rows`` (at most ``size``): the mean over them; gradients into ``.grad``."""
        feed: Dict[Value, float] = {}
        for b in range(self.size):
            context, target = rows[b] if b < len(rows) else ((0,) * BLOCK, 0)
            for k in range(BLOCK):
                for c, v in enumerate(self.x[b][k]):
                    feed[v] = 1.0 if c == context[k] else 0.0
            for c, v in enumerate(self.y[b]):
                feed[v] = 1.0 if c == target else 0.0
            feed[self.w[b]] = self.size / len(rows) if b < len(rows) else 0.0
        return self.program(feed).output


def mean_loss(step: BatchProgram, rows: Sequence[Tuple[Tuple[int, ...], int]],
              params: List[Value]) -> float:
    """Mean loss over ``rows`` (no training: the gradients are cleared afterwards)."""
    total = 0.0
    for i in range(0, len(rows), step.size):
        chunk = rows[i:i + step.size]
        total += step(chunk) * len(chunk)
    for p in params:
        p.grad = 0.0
    return total / len(rows)


def sample(model: CharMLP, n: int, rng: random.Random) -> List[str]:
    """``n`` names drawn one character at a time, on one graph built once and re-run."""
    x = [[Value.placeholder(f"x{k}_{c}") for c in range(K)] for k in range(BLOCK)]
    z = model.logits(x)
    top = logsumexp(z)  # every logit is below it: one forward computes them all
    names = []
    for _ in range(n):
        context, out = (0,) * BLOCK, ""
        while len(out) < 20:
            top.forward({v: 1.0 if c == context[k] else 0.0
                         for k in range(BLOCK) for c, v in enumerate(x[k])})
            probs = [math.exp(v.data - top.data) for v in z]
            c = rng.choices(range(K), weights=probs)[0]
            if c == 0:
                break
            out += SYMBOLS[c]
            context = context[1:] + (c,)
        names.append(out)
    return names


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, float]:
    """Run the demo; return the held-out losses of both models and the seconds taken."""
    ap = ScriptParser(description="Make up names: bigram counts, then an MLP on 3 characters.")
    ap.add_argument("--epochs", type=int, default=2, help="MLP epochs (default 2)")
    ap.add_argument("--quick", action="store_true", help="a small run, for a smoke test")
    ap.add_argument("--seed", type=int, default=0, help="seed for split, weights and sampling")
    ap.add_argument("--out", default="out", help="folder for pictures (default out/)")
    args = ap.parse_args(argv)
    if args.epochs < 1:
        ap.error(f"--epochs must be at least 1, got {args.epochs}")
    started = time.perf_counter()
    rng = random.Random(args.seed)
    names = load_names()
    rng.shuffle(names)
    if args.quick:
        names = names[:400]
    n1, n2 = int(0.8 * len(names)), int(0.9 * len(names))
    train, valid, test = names[:n1], names[n1:n2], names[n2:]

    P = bigram_model(train)
    results = {"bigram_test": bigram_loss(P, test)}
    print(f"names: {len(train)} training, {len(valid)} validation, {len(test)} test names")
    print(f"bigram counts: test loss {results['bigram_test']:.3f} nats per character")

    dim, hidden, size = (2, 16, 16) if args.quick else (4, 32, 32)
    epochs = 1 if args.quick else args.epochs
    model = CharMLP(dim, hidden, rng)
    params = model.parameters()
    t0 = time.perf_counter()
    step = BatchProgram(model, size, backend="auto")
    print(f"MLP: C {K}x{dim}, {BLOCK * dim} -> {hidden} tanh -> {K}, {len(params)} parameters; "
          f"batch graph built once and compiled in {time.perf_counter() - t0:.1f} s "
          f"(backend: {step.program.backend})")
    rows, valid_rows = contexts(train), contexts(valid)
    optimizer = Adam(params, lr=0.01)
    losses: List[float] = []
    from tqdm.auto import tqdm

    for epoch in range(epochs):
        rng.shuffle(rows)
        batches = range(0, len(rows) - size + 1, size)
        bar = tqdm(batches, desc=f"epoch {epoch + 1}/{epochs}", leave=False, mininterval=0.5)
        for i in bar:
            optimizer.zero_grad()
            losses.append(step(rows[i:i + size]))
            optimizer.step()
            if len(losses) % 50 == 0:
                bar.set_postfix(loss=f"{sum(losses[-50:]) / 50:.3f}")
        print(f"epoch {epoch + 1}: training loss {sum(losses[-len(batches):]) / len(batches):.3f}, "
              f"validation {mean_loss(step, valid_rows, params):.3f}")
    results["mlp_test"] = mean_loss(step, contexts(test), params)
    print(f"MLP: test loss {results['mlp_test']:.3f} nats per character "
          f"(bigram counts {results['bigram_test']:.3f})")
    made = sample(model, 20, random.Random(args.seed))
    print("20 names from the MLP:", ", ".join(made))

    from tinygrad_scalar.plots import plot_history
    from tinygrad_scalar.train import History

    history = History()
    every = max(1, len(losses) // 100)
    for k in range(0, len(losses) - every + 1, every):
        history.append(epoch=k // every + 1, loss=sum(losses[k:k + every]) / every)
    path = plot_history(history, Path(args.out) / "names_loss.png",
                        f"names: MLP training loss (mean of {every} batches of {size})")
    results["seconds"] = time.perf_counter() - started
    print(f"wrote {path}; {results['seconds']:.0f} s in all")
    return results


if __name__ == "__main__":
    main()
