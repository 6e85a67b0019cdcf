"""Fuzzing: the expression parser and the state-file loaders, with random and mutated input.

* Expressions (``expr.build`` and the ``graph`` command): random text, random bytes, valid
  expressions with random edits, and known code-injection tricks spliced into them. The
  only outcomes allowed are a graph or a documented error; an audit hook watches for any
  code being executed, any file opened, any module imported or process started meanwhile.
* Checkpoints (``train.load_checkpoint`` and ``fit(resume=...)``): a real checkpoint
  truncated, with bytes flipped, with keys deleted, values of the wrong type, huge numbers,
  NaN and infinities, and foreign JSON. Each is either loaded (and then every weight is a
  finite number) or refused with ``ValueError`` — and then model, optimizer, schedule and
  dropout's random state are exactly as before.
* The other loaders of saved state (``load_state_dict`` of models, optimizers, schedules
  and early stopping, ``History.from_dict``) with random JSON values.
"""

from __future__ import annotations

import copy
import json
import math
import sys
from pathlib import Path
from typing import Any, Callable, List

import campaign
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tinygrad_scalar import MLP, cli, expr
from tinygrad_scalar.losses import softmax_cross_entropy
from tinygrad_scalar.optim import SGD, Adam, StepLR, WarmupLR
from tinygrad_scalar.train import EarlyStopping, History, fit, load_checkpoint

pytestmark = pytest.mark.slow  # the reliability campaign: `make test-fast` leaves it out

# ---------------------------------------------------------------------- the watchdog
WATCHED = ("exec", "import", "open", "os.system", "os.exec", "os.posix_spawn", "os.fork",
           "os.spawn", "subprocess.Popen", "socket.connect", "ctypes.dlopen", "builtins.input",
           "os.remove", "os.rename", "shutil.rmtree", "os.mkdir")
_seen: List[str] = []
_watching = [False]


def _audit(event: str, args: tuple) -> None:
    if _watching[0] and event.startswith(WATCHED):
        _seen.append(f"{event} {args!r:.80}")


sys.addaudithook(_audit)  # cannot be removed; costs one flag test per event otherwise


def watched(call: Callable[[], Any]) -> List[str]:
    """Run ``call`` and return the audited events it caused (code run, files, imports...)."""
    _seen.clear()
    _watching[0] = True
    try:
        call()
    finally:
        _watching[0] = False
    return list(_seen)


# ---------------------------------------------------------------------- expressions
SAFE = (expr.ExpressionError, ArithmeticError, ValueError)

INJECTIONS = [
    "__import__('os').system('touch pwned')", "open('pwned', 'w').write('x')",
    "exec('import os')", "eval('1')", "compile('1', '', 'eval')", "globals()", "vars()",
    "breakpoint()", "input()", "exit()", "getattr(x, 'real')", "x.__class__",
    "().__class__.__bases__[0].__subclasses__()", "(lambda: 1)()", "[c for c in 'ab']",
    "{k: 1 for k in 'ab'}", "(y for y in (1,))", "x if x else 1", "f'{x}'",
    "(x := 1)", "x[0]", "x.real", "*x", "**x", "await x", "yield x", "x; 1", "\\u0078",
    "__builtins__", "x.__dict__", "type(x)", "exp.__globals__", "sigmoid.__code__",
    "lambda x: x", "{x}", "[x]", "(x,)", "x < 1", "not x", "~x", "x @ x", "x // 1", "x % 1",
    "b'x'", "'x'", "None", "True", "...", "1j",
]
VALID = ["x", "x * y + 1", "tanh(x * w + b)", "sigmoid(x) * (1 - sigmoid(x))", "exp(-x ** 2)",
         "log(abs(x) + 1) / (y ** 2 + 1)", "relu(x - y) + 2 ** x", "-(x + -y) * 3e-1"]
ALPHABET = list("xyzwb0123456789.+-*/()e ,=_[]{}:;'\"<>!%&|^~@#\\\n\t") + [
    "exp", "log", "tanh", "sigmoid", "relu", "abs", "**", "lambda", "if", "import", "__",
    "\x00", "\udcff", "\u00e9", "\uff58"]


@st.composite
def mutated(draw: Callable, corpus: List[str]) -> str:
    """A corpus entry with a few random insertions, deletions, replacements and splices."""
    text = draw(st.sampled_from(corpus))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "replace", "splice", "repeat"]))
        i = draw(st.integers(0, len(text)))
        if kind == "insert":
            text = text[:i] + draw(st.sampled_from(ALPHABET)) + text[i:]
        elif kind == "delete":
            text = text[:i] + text[i + 1:]
        elif kind == "replace":
            text = text[:i] + draw(st.sampled_from(ALPHABET)) + text[i + 1:]
        elif kind == "splice":
            text = text[:i] + draw(st.sampled_from(INJECTIONS + VALID)) + text[i:]
        else:
            text = text[:i] + text[i:i + 5] * draw(st.integers(2, 50)) + text[i:]
    return text


def build_anything(text: str) -> None:
    """Build ``text`` with every name it uses set to 0.5; only documented errors may escape."""
    try:
        names = expr.variables(text)
        out, leaves = expr.build(text, {n: 0.5 for n in names})
        out.backward()
    except SAFE:
        pass


def check_expression(text: str) -> None:
    events = watched(lambda: build_anything(text))
    assert not events, f"building {text!r:.100} did: {events}"
    campaign.add("fuzz_expressions")


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(VALID + INJECTIONS))
def test_mutated_expressions_build_or_fail_cleanly(text: str) -> None:
    check_expression(text)


@settings(max_examples=200)
@given(st.binary(max_size=80))
def test_random_bytes_as_expressions(data: bytes) -> None:
    check_expression(data.decode("utf-8", errors="surrogateescape"))


@settings(max_examples=200)
@given(st.text(max_size=60))
def test_random_text_as_expressions(text: str) -> None:
    check_expression(text)


@pytest.mark.parametrize("snippet", INJECTIONS)
@pytest.mark.parametrize("where", ["{}", "x + {}", "exp({})", "({}) * y", "tanh(x * ({}))"])
def test_code_injection_is_refused_and_nothing_runs(snippet: str, where: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = where.format(snippet)
    errors: List[BaseException] = []

    def attempt() -> None:
        try:
            expr.build(text, {n: 1.0 for n in ("x", "y")})
        except expr.ExpressionError as e:
            errors.append(e)

    assert watched(attempt) == []
    assert errors, f"{text!r} was accepted"
    assert list(tmp_path.iterdir()) == []
    campaign.add("fuzz_expressions")


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow,
                                                  HealthCheck.function_scoped_fixture])
@given(text=mutated(VALID + INJECTIONS))
def test_the_graph_command_on_fuzzed_expressions(text: str, capsys: pytest.CaptureFixture) -> None:
    assume("\x00" not in text)  # a command line cannot hold a NUL
    names = []
    try:
        names = expr.variables(text)
    except expr.ExpressionError:
        pass
    status = [None]
    events = watched(lambda: status.__setitem__(0, cli.main(
        ["graph", text, *[f"{n}=0.5" for n in names], "--listing"])))
    out, err = capsys.readouterr()
    assert not events
    assert status[0] in (0, 2)
    if status[0] == 2:
        assert err.count("\n") == 1 and err.startswith("tinygrad-scalar graph") and out == ""
    campaign.add("fuzz_expressions")


# ---------------------------------------------------------------------- checkpoints
X = [[0.1, 0.2], [0.3, -0.1], [0.5, 0.5], [-0.2, 0.1], [0.9, -0.4], [-0.6, 0.3]]
Y = [0, 1, 1, 0, 2, 2]


def parts(seed: int = 0):
    model = MLP(2, [4, 3], rng=seed, dropout=0.2)
    opt = Adam(model.parameters(), lr=0.05)
    return model, opt, StepLR(opt, step_size=2, gamma=0.5)


def state(model, opt, sched) -> str:
    """Everything a refused load must leave alone, as comparable text."""
    drops = [d.rng.getstate() for d in model.dropouts]
    return repr((model.state_dict(), opt.state_dict(), sched.state_dict(), opt.lr, drops))


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real checkpoint: two epochs of fit with dropout, Adam, StepLR and early stopping."""
    path = tmp_path_factory.mktemp("ck") / "good.json"
    model, opt, sched = parts()
    fit(model, softmax_cross_entropy, opt, X, Y, epochs=2, batch_size=3, schedule=sched,
        checkpoint=path, early_stopping=EarlyStopping(patience=5), progress=False)
    return path.read_bytes()


ODD = [None, True, False, "x", "", [], {}, -1, 0, 1, 1.5, -1e308, 1e308, 10 ** 400, -(10 ** 30),
       math.nan, math.inf, -math.inf, [1, 2], {"a": 1}, [None], [[[[]]]], "NaN", 2 ** 63]
"""Odd values to put into files. Drawn through ``odd()``, which copies each one: the
mutating fuzzer must never change the list itself (a shared ``[]`` edited into containing
itself made every later example fail, and hypothesis replayed it on every run)."""


_ODD_AS_WRITTEN = repr(ODD)


def odd() -> st.SearchStrategy:
    """A fresh copy of one of ``ODD`` for every draw."""
    return st.sampled_from(ODD).map(copy.deepcopy)


def _paths(tree: Any, prefix: tuple = ()) -> List[tuple]:
    out = [prefix]
    if isinstance(tree, dict):
        for k, v in tree.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(tree, list):
        for i, v in enumerate(tree[:8]):
            out += _paths(v, prefix + (i,))
    return out


@st.composite
def damaged(draw: Callable, good_bytes: bytes) -> bytes:
    """A checkpoint with one kind of damage."""
    kind = draw(st.sampled_from(["truncate", "flip", "delete", "retype", "foreign", "bytes"]))
    if kind == "truncate":
        return good_bytes[:draw(st.integers(0, len(good_bytes) - 1))]
    if kind == "flip":
        data = bytearray(good_bytes)
        for _ in range(draw(st.integers(1, 6))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] ^= draw(st.integers(1, 255))
        return bytes(data)
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "foreign":
        leaf = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
        tree = draw(st.recursive(leaf, lambda c: st.lists(c, max_size=4)
                                 | st.dictionaries(st.text(max_size=8), c, max_size=4),
                                 max_leaves=12))
        if draw(st.booleans()) and isinstance(tree, dict):
            tree["format"] = "tinygrad_scalar.checkpoint"
            tree["version"] = 1
        return json.dumps(tree).encode()
    tree = json.loads(good_bytes)
    paths = [p for p in _paths(tree) if p]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        parent = tree
        try:
            for k in path[:-1]:
                parent = parent[k]
            if kind == "delete":
                del parent[path[-1]]
            else:
                parent[path[-1]] = draw(odd())
        except (KeyError, IndexError, TypeError):
            pass  # an earlier edit removed or replaced that branch
    return json.dumps(tree).encode()  # NaN and Infinity as JSON's usual extension


def _load(path: Path, seed: int = 3) -> None:
    model, opt, sched = parts(seed)
    before = state(model, opt, sched)
    try:
        load_checkpoint(path, model, opt, sched)
    except ValueError:
        assert state(model, opt, sched) == before, "a refused checkpoint changed the model"
        return
    assert all(math.isfinite(v) for v in model.state_dict().values())
    assert math.isfinite(opt.lr) and opt.lr >= 0  # a schedule may have decayed it to 0


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow,
                                                   HealthCheck.function_scoped_fixture])
@given(st.data())
def test_damaged_checkpoints_load_or_are_refused_unchanged(good: bytes, tmp_path: Path,
                                                         data: st.DataObject) -> None:
    path = tmp_path / "ck.json"
    path.write_bytes(data.draw(damaged(good)))
    events = watched(lambda: _load(path))
    assert not [e for e in events if not e.startswith("open")], events  # reading it is all
    assert repr(ODD) == _ODD_AS_WRITTEN  # the fuzzer edits copies, never the list itself
    campaign.add("fuzz_checkpoints")


@pytest.mark.parametrize("content", [b"[" * 100_000, b'{"a":' * 100_000, b"\xff\xfe\x00",
                                     b'{"format": "tinygrad_scalar.checkpoint", "version": true}',
                                     b"NaN", b"1e999999", b'"' + b"x" * 1_000_000 + b'"'])
def test_pathological_files_are_refused(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "ck.json"
    path.write_bytes(content)
    model, opt, sched = parts()
    before = state(model, opt, sched)
    with pytest.raises(ValueError, match=r"load_checkpoint\("):
        load_checkpoint(path, model, opt, sched)
    assert state(model, opt, sched) == before
    campaign.add("fuzz_checkpoints")


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow,
                                                  HealthCheck.function_scoped_fixture])
@given(st.data())
def test_resume_from_damaged_checkpoints(good: bytes, tmp_path: Path, data: st.DataObject) -> None:
    path = tmp_path / "ck.json"
    path.write_bytes(data.draw(damaged(good)))
    model, opt, sched = parts(5)
    before = state(model, opt, sched)
    try:
        fit(model, softmax_cross_entropy, opt, X, Y, epochs=3, batch_size=3, schedule=sched,
            resume=path, early_stopping=EarlyStopping(patience=5), progress=False)
    except ValueError as e:  # refused: the file, or what fit needs from it
        assert str(e).startswith(("load_checkpoint(", "fit: resume=")), e
        assert state(model, opt, sched) == before
    except FloatingPointError as e:  # loaded, then training diverged from those weights
        assert str(e).startswith("fit: epoch "), e
        assert all(math.isfinite(v) for v in model.state_dict().values())
    else:
        assert all(math.isfinite(v) for v in model.state_dict().values())
    campaign.add("fuzz_checkpoints")


# ---------------------------------------------------------------------- other state loaders
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c,
                                                                        max_size=3),
                    max_leaves=8)


def _near(valid: dict) -> st.SearchStrategy:
    """A valid state with one entry replaced, removed or added."""
    keys = sorted(valid)
    return st.one_of(
        st.tuples(st.sampled_from(keys), JSON | odd()).map(
            lambda kv: {**valid, kv[0]: kv[1]}),
        st.sampled_from(keys).map(lambda k: {a: b for a, b in valid.items() if a != k}),
        st.tuples(st.text(max_size=6), JSON).map(lambda kv: {**valid, kv[0]: kv[1]}),
        JSON)


def _loaders():
    model = MLP(2, [2, 1], rng=0)
    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = WarmupLR(opt, 2, then=StepLR(opt, 2))
    stop = EarlyStopping()
    return [("Module.load_state_dict", model, model.load_state_dict, model.state_dict),
            ("SGD.load_state_dict", opt, opt.load_state_dict, opt.state_dict),
            ("WarmupLR.load_state_dict", sched, sched.load_state_dict,
             lambda: (sched.state_dict(), opt.lr)),
            ("EarlyStopping.load_state_dict", stop, stop.load_state_dict, stop.state_dict)]


@pytest.mark.parametrize("index", range(4), ids=[n for n, *_ in _loaders()])
@settings(max_examples=150)
@given(data=st.data())
def test_state_loaders_take_or_refuse_unchanged(index: int, data: st.DataObject) -> None:
    name, obj, load, snapshot = _loaders()[index]
    valid = obj.state_dict()
    bad = data.draw(_near(valid))
    before = repr(snapshot())
    try:
        load(bad)
    except ValueError:
        assert repr(snapshot()) == before, f"{name} changed its state while refusing {bad!r:.100}"
    campaign.add("fuzz_checkpoints")


@settings(max_examples=150)
@given(JSON | st.fixed_dictionaries({"records": st.dictionaries(st.text(max_size=5), JSON)}))
def test_history_from_dict_takes_numbers_or_refuses(d: Any) -> None:
    try:
        h = History.from_dict(d)
    except ValueError:
        return
    assert all(isinstance(v, (int, float)) for vs in h.records.values() for v in vs)
    repr(h)
    campaign.add("fuzz_checkpoints")


def test_a_negative_mean_of_squares_is_refused() -> None:
    # found by the resume fuzzing: v = -1 loaded fine, then Adam's step died in sqrt
    model, opt, _ = parts()
    st = opt.state_dict()
    st["v"] = [-1.0] + st["v"][1:]
    before = opt.state_dict()
    with pytest.raises(ValueError, match=r"state 'v'\[0\] is a mean of squares and must be >= 0"):
        opt.load_state_dict(st)
    assert opt.state_dict() == before
