"""Bad input, everywhere: every public function fed wrong types, NaN, infinities, empty
data, mismatched lengths and huge values.

Each public function (``tinygrad_scalar.__all__`` and the ``__all__`` of each module) has a
``Spec``: a valid call, made fresh for every try. Each argument in turn is replaced by each
value of ``BAD``. The call must then either

* raise ``TypeError``, ``ValueError`` or an ``ArithmeticError`` (``OSError`` for a path)
  whose message names the function or the argument, and none of Python's own internal
  messages (``'NoneType' object has no attribute``, ``has no len()``...); and leave no
  file behind; or
* accept the value and return a result holding no NaN or infinity it made up.

``test_every_public_function_has_a_spec`` keeps the table complete: a new public
function fails it until it gets a row here. Every command-line mistake exits with
status 2 and one line on stderr.
"""

from __future__ import annotations

import io
import math
import signal
import types
from pathlib import Path
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple

import campaign
import pytest

import tinygrad_scalar as ts
from tinygrad_scalar import (
    MLP,
    Dual,
    Value,
    adjoint,
    alphabeta,
    checks,
    cli,
    data,
    expr,
    functional,
    losses,
    naive,
    nn,
    ops,
    optim,
    plots,
    trace,
    train,
    viz,
)

pytestmark = pytest.mark.slow  # the reliability campaign: `make test-fast` leaves it out

nan, inf = math.nan, math.inf

#: the values fed to every argument in turn
BAD: List[Tuple[str, Any]] = [
    ("None", None), ("a str", "1"), ("bytes", b"1"), ("an object", object()), ("True", True),
    ("a function", len), ("[]", []), ("{}", {}), ("()", ()),
    ("NaN", nan), ("inf", inf), ("-inf", -inf), ("-1", -1), ("0", 0), ("0.5", 0.5),
    ("1e308", 1e308), ("-1e308", -1e308), ("10**400", 10 ** 400),
    ("[NaN]", [nan]), ("[inf]", [inf]), ("['a']", ["a"]), ("[None]", [None]), ("[[]]", [[]]),
    ("[[NaN, 0.0]]", [[nan, 0.0]]), ("ragged rows", [[1.0], [1.0, 2.0]]),
    ("[10**400]", [10 ** 400]), ("{'a': NaN}", {"a": nan}), ("a Value", Value(1.0)),
]
HUGE = 1e300  # a bad value at least this large may overflow to an infinity (as floats do)

#: fragments of Python's own messages: seeing one means an error escaped from inside
INTERNAL = ("'NoneType' object", "object has no attribute", "is not subscriptable",
            "object is not iterable", "object is not callable", "has no len()",
            "index out of range", "too large to convert", "math domain error",
            "float division by zero", "integer division or modulo", "can't multiply sequence",
            "not supported between instances", "cannot be interpreted as an integer",
            "Exceeds the limit", "expected str, bytes or os.PathLike", "unhashable type",
            "must be real number, not", "cannot convert float", "dictionary update sequence",
            "not JSON serializable", "Out of range float values")
ALLOWED = (TypeError, ValueError, ArithmeticError)
CALLBACK = {"f": "f2", "forward": "", "derivative": "", "symbolic": "", "loss_fn": "",
            "loss": ""}


class Hung(BaseException):
    """Raised by the alarm when one call runs too long."""


class Spec(NamedTuple):
    """How to call one public function correctly (``args(folder)`` builds fresh arguments).

    ``names``: words a message may use to name the function (its name is always one);
    ``skip``: arguments not fed bad values (flags read for their truth, callbacks of the
    test itself); ``counts``: size arguments, not fed 10**400 (a size that large is
    honoured until memory runs out); ``passthrough``: arguments whose values are carried
    to the result untouched, so a NaN there is not one the function made up;
    ``protocol``: an operator, where Python's own ``unsupported operand`` message is
    the right answer; ``callbacks``: arguments that are the user's own functions (an error
    raised inside one is the user's, and passes through unchanged); ``errors``: further
    exceptions the function documents.
    """

    name: str
    call: Callable[..., Any]
    args: Callable[[Path], Dict[str, Any]]
    names: Tuple[str, ...] = ()
    skip: Tuple[str, ...] = ()
    counts: Tuple[str, ...] = ()
    passthrough: Tuple[str, ...] = ()
    protocol: bool = False
    finite: bool = True
    callbacks: Tuple[str, ...] = ()
    errors: Tuple[type, ...] = ()


# ---------------------------------------------------------------------- fixtures
X4 = [[0.1, 0.2], [0.3, -0.1], [0.5, 0.5], [-0.2, 0.1]]
Y4 = [0, 1, 1, 0]


def _torch_model() -> Any:
    """A small PyTorch model when PyTorch is installed (else the bridge's ImportError)."""
    try:
        import torch
    except ImportError:
        pytest.skip("PyTorch is not installed: the bridge is optional")
    return torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Tanh(), torch.nn.Linear(2, 1))


def model(seed: int = 0) -> MLP:
    return MLP(2, [3, 2], rng=seed)


def adam(m: Optional[MLP] = None) -> optim.Adam:
    return optim.Adam((m or model()).parameters(), lr=0.01)


def graph() -> Value:
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    return (x * w + 1.0).tanh()


def leaves() -> Tuple[Value, Value, Value]:
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    return (x * w + x).tanh(), x, w


def checkpoint(folder: Path) -> Path:
    m = model()
    path = folder / "ck.json"
    train.save_checkpoint(path, m, adam(m), epoch=1)
    return path


def history() -> train.History:
    h = train.History()
    h.append(epoch=1, loss=0.5, accuracy=0.5)
    h.append(epoch=2, loss=0.25, accuracy=0.75)
    return h


def csv_file(folder: Path) -> Path:
    path = folder / "d.csv"
    path.write_text("a,b,target\n1,2,0\n3,4,1\n")
    return path


def image_folder(folder: Path) -> Path:
    from PIL import Image
    for name in ("a", "b"):
        (folder / "pics" / name).mkdir(parents=True, exist_ok=True)
        Image.new("L", (5, 5), color=100).save(folder / "pics" / name / "0.png")
    return folder / "pics"


def f2(x: Any, y: Any) -> Any:
    return x * y + x


def f2_list(x: Any, y: Any) -> Any:
    return [x * y, x + y]


def square(x: Any) -> Any:
    return x * x


def square_aux(x: Any) -> Any:
    return x * x, 1.0


def twice(x: Any) -> Any:
    return 2 * x


def method(obj_factory: Callable[[], Any], name: str) -> Callable[..., Any]:
    def call(**kw: Any) -> Any:
        return getattr(obj_factory(), name)(**kw)
    return call


def std_fitted() -> data.Standardizer:
    return data.Standardizer().fit(X4)


def fed() -> Tuple[Value, Value]:
    """A graph on a placeholder ``x`` and a parameter ``w``: (output, x)."""
    x, w = Value.placeholder("x"), Value(0.5, label="w")
    return (w * x + 1.0).tanh(), x


def feed_args(**more: Any) -> Dict[str, Any]:
    root, x = fed()
    return {"root": root, "feed": {x: 1.5}, **more}


def one_step() -> Any:
    steps = adjoint.trace_backward(graph())
    return steps


USER = (f2, f2_list, square, square_aux, twice)

# ---------------------------------------------------------------------- the table
SPECS: List[Spec] = [
    # engine and forward mode
    Spec("Value", Value, lambda d: {"data": 1.0, "label": "x"}),
    *[Spec(sym, fn, lambda d: {"b": 2.0}, protocol=True, names=(sym, "operand"))
      for sym, fn in [("+", lambda b: Value(1.5) + b), ("-", lambda b: Value(1.5) - b),
                      ("*", lambda b: Value(1.5) * b), ("/", lambda b: Value(1.5) / b),
                      ("**", lambda b: Value(1.5) ** b), ("<", lambda b: Value(1.5) < b)]],
    Spec("Value.sum", Value.sum, lambda d: {"values": [Value(1.0), 2.0], "start": 0.5}),
    Spec("Value.dot", Value.dot, lambda d: {"ws": [Value(1.0), 2.0], "xs": [3.0, Value(4.0)],
                                            "bias": 0.5}),
    Spec("Value.backward", lambda create_graph: graph().backward(create_graph=create_graph),
         lambda d: {"create_graph": False}, skip=("create_graph",)),
    Spec("Value.placeholder", Value.placeholder, lambda d: {"name": "x"},
         finite=False),  # NaN until fed, by design
    Spec("Value.forward", lambda root, feed: root.forward(feed), lambda d: feed_args(),
         skip=("root",), names=("forward",)),
    Spec("Program", lambda root, inputs, feed: ts.Program(root, inputs)(feed),
         lambda d: feed_args(inputs=None)),
    Spec("Program.compile", lambda root, backend, feed: ts.Program(root).compile(backend)(feed),
         lambda d: feed_args(backend="python"), names=("Program",)),
    Spec("Dual", Dual, lambda d: {"primal": 1.0, "tangent": 1.0}),
    *[Spec(sym, fn, lambda d: {"b": 2.0}, protocol=True, names=(sym, "operand"))
      for sym, fn in [("+", lambda b: Dual(1.5, 1.0) + b), ("*", lambda b: Dual(1.5, 1.0) * b),
                      ("/", lambda b: Dual(1.5, 1.0) / b), ("**", lambda b: Dual(1.5, 1.0) ** b)]],
    Spec("Dual.sum", Dual.sum, lambda d: {"values": [Dual(1.0, 1.0), 2.0], "start": 0.5}),
    Spec("Dual.dot", Dual.dot, lambda d: {"ws": [Dual(1.0, 1.0), 2.0], "xs": [3.0, 4.0],
                                          "bias": 0.5}),
    # functional, checks, custom operations, Beta
    Spec("grad", lambda f, argnums, x, y: functional.grad(f, argnums)(x, y),
         lambda d: {"f": f2, "argnums": 0, "x": 2.0, "y": 3.0}, callbacks=("f",),
         skip=("y",)),  # y is not differentiated: it goes to f as it is
    Spec("value_and_grad", lambda f, argnums, x, y: functional.value_and_grad(f, argnums)(x, y),
         lambda d: {"f": f2, "argnums": (0, 1), "x": 2.0, "y": 3.0}, callbacks=("f",)),
    Spec("jacobian", lambda f, argnums, mode, x, y: functional.jacobian(f, argnums, mode)(x, y),
         lambda d: {"f": f2_list, "argnums": None, "mode": "reverse", "x": 2.0, "y": 3.0},
         callbacks=("f",)),
    Spec("jacobian", lambda f, x, y: functional.jacobian(f, mode="forward")(x, y),
         lambda d: {"f": f2_list, "x": 2.0, "y": 3.0}, callbacks=("f",)),
    Spec("hessian", lambda f, argnums, x, y: functional.hessian(f, argnums)(x, y),
         lambda d: {"f": f2, "argnums": None, "x": 2.0, "y": 3.0}, callbacks=("f",)),
    Spec("grad", lambda f, has_aux, x: functional.grad(f, has_aux=has_aux)(x),
         lambda d: {"f": square_aux, "has_aux": True, "x": 2.0}, callbacks=("f",)),
    Spec("value_and_grad",
         lambda f, has_aux, x: functional.value_and_grad(f, has_aux=has_aux)(x),
         lambda d: {"f": square_aux, "has_aux": True, "x": 2.0}, callbacks=("f",)),
    Spec("vjp", lambda f, x, y: functional.vjp(f, x, y)[1]([1.0, 2.0]),
         lambda d: {"f": f2_list, "x": 2.0, "y": 3.0}, callbacks=("f",)),
    Spec("vjp", lambda cotangent: functional.vjp(f2_list, 2.0, 3.0)[1](cotangent),
         lambda d: {"cotangent": [1.0, 2.0]}),
    Spec("jvp", functional.jvp, lambda d: {"f": f2, "primals": (2.0, 3.0),
                                           "tangents": (1.0, 0.0)}, callbacks=("f",)),
    Spec("gradcheck", checks.gradcheck, lambda d: {"f": f2, "inputs": [0.5, -1.2], "eps": 1e-6,
                                                   "atol": 1e-6, "rtol": 1e-4},
         callbacks=("f",), names=("f2",), errors=(checks.GradcheckError,)),
    Spec("gradgradcheck", checks.gradgradcheck,
         lambda d: {"f": f2, "inputs": [0.5, -1.2], "eps": 1e-6, "atol": 1e-6, "rtol": 1e-4},
         callbacks=("f",), names=("f2",), errors=(checks.GradcheckError,)),
    Spec("check_graph", checks.check_graph,
         lambda d: {"root": graph(), "eps": 1e-6, "atol": 1e-6, "rtol": 1e-4},
         errors=(checks.GradcheckError,)),
    *[Spec(name, fn, lambda d: {"name": "sq", "forward": square, "derivative": twice,
                                "symbolic": None, "arity": 1},
           names=("custom_op",), callbacks=("forward", "derivative", "symbolic"))
      for name, fn in (("custom_op", ops.custom_op), ("CustomOp", ops.CustomOp))],
    *[Spec(op.name, lambda x, op=op: op(x), lambda d: {"x": Value(0.5)})
      for op in (ops.sin, ops.cos, ops.tan, ops.atan, ops.sqrt, ops.log1p, ops.softplus)],
    Spec("logsumexp", lambda xs: ops.logsumexp(xs), lambda d: {"xs": [Value(0.5), Value(1.5)]}),
    Spec("naive.grad", lambda out, x, max_calls: naive.grad(out, x, max_calls),
         lambda d: dict(zip(("out", "x"), leaves()[:2]), max_calls=1000), names=("grad",)),
    Spec("naive.cost", naive.cost, lambda d: dict(zip(("out", "x"), leaves()[:2])),
         names=("grad", "cost")),
    # networks
    Spec("Neuron", nn.Neuron, lambda d: {"nin": 2, "activation": "tanh", "init": "auto", "rng": 0,
                                         "nout": 3, "name": "n"}, counts=("nin", "nout")),
    Spec("Layer", nn.Layer, lambda d: {"nin": 2, "nout": 3, "activation": "tanh",
                                       "init": "xavier", "rng": 0, "name": "L"},
         counts=("nin", "nout"), names=("Neuron", "activation", "init")),
    Spec("MLP", MLP, lambda d: {"nin": 2, "nouts": [3, 2], "activation": "tanh", "init": "auto",
                                "rng": 0, "dropout": 0.1},
         counts=("nin", "nouts"), names=("Layer", "Neuron")),
    Spec("Dropout", nn.Dropout, lambda d: {"p": 0.5, "rng": 0}),
    # the PyTorch bridge (torch imported inside; without it a clear ImportError)
    Spec("to_torch", ts.to_torch, lambda d: {"model": _torch_model() and model()},
         errors=(ImportError,)),
    Spec("from_torch", ts.from_torch, lambda d: {"module": _torch_model()},
         errors=(ImportError,)),
    Spec("MLP", lambda x: model()(x), lambda d: {"x": [0.5, -1.0]}, names=("Neuron", "Value.dot")),
    Spec("Dropout", lambda x: nn.Dropout(0.5, rng=0)(x), lambda d: {"x": [Value(1.0), 2.0]},
         passthrough=("x",)),
    Spec("Linear", nn.Linear, lambda d: {"in_features": 2, "out_features": 3, "bias": True,
                                         "init": "normal", "std": 0.1, "rng": 0},
         counts=("in_features", "out_features")),
    Spec("Linear", lambda x: nn.Linear(2, 2, rng=0)(x), lambda d: {"x": [[0.5, -1.0], [1.0, 2.0]]},
         names=("is_batch", "Value.dot")),
    Spec("Sequential", lambda x: nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU(),
                                               nn.BatchNorm1d(3), nn.Tanh(), nn.Sigmoid())(x),
         lambda d: {"x": [[0.5, -1.0], [1.0, 2.0]]},
         names=("is_batch", "Linear", "BatchNorm1d", "Value.dot")),
    *[Spec(cls.__name__, lambda x, cls=cls: cls()(x), lambda d: {"x": [0.5, Value(-1.0)]},
           names=("is_batch",)) for cls in (nn.ReLU, nn.Tanh, nn.Sigmoid)],
    Spec("BatchNorm1d", nn.BatchNorm1d, lambda d: {"num_features": 2, "eps": 1e-5,
                                                   "momentum": 0.1, "affine": True,
                                                   "track_running_stats": True},
         counts=("num_features",)),
    Spec("BatchNorm1d", lambda x: nn.BatchNorm1d(2)(x), lambda d: {"x": [[0.5, -1.0], [1.0, 2.0]]},
         names=("is_batch",)),
    Spec("is_batch", nn.is_batch, lambda d: {"x": [[1.0]]}),
    Spec("load_state_dict", lambda state: model().load_state_dict(state),
         lambda d: {"state": model(1).state_dict()}),
    Spec("load_state_dict", lambda state, strict: model().load_state_dict(state, strict),
         lambda d: {"state": model(1).state_dict(), "strict": False}),
    Spec("named_modules", lambda prefix: list(model().named_modules(prefix)),
         lambda d: {"prefix": "m"}, passthrough=("prefix",)),
    # losses
    *[Spec(fn.__name__, fn, lambda d, a=a, b=b, lab=lab: {a: [Value(0.5), Value(-1.0)], b: lab})
      for fn, a, b, lab in [(losses.mse, "pred", "target", [1.0, 0.0]),
                            (losses.binary_cross_entropy, "logit", "label", [1, 0]),
                            (losses.hinge, "score", "label", [1, -1])]],
    Spec("softmax_cross_entropy", losses.softmax_cross_entropy,
         lambda d: {"logits": [[Value(0.5), 1.0], [2.0, Value(-1.0)]], "label": [0, 1]}),
    Spec("l2", losses.l2, lambda d: {"params": [Value(1.0), Value(2.0)], "alpha": 0.5}),
    # optimizers and schedules
    Spec("SGD", optim.SGD, lambda d: {"params": model().parameters(), "lr": 0.1, "momentum": 0.9,
                                      "nesterov": True, "weight_decay": 0.01}),
    Spec("SGD", optim.SGD, lambda d: {"params": model().parameters(), "lr": 0.1, "momentum": 0.9,
                                      "dampening": 0.5}),
    Spec("RMSProp", optim.RMSProp, lambda d: {"params": model(), "lr": 0.1, "alpha": 0.9,
                                              "eps": 1e-8, "weight_decay": 0.0,
                                              "centered": True}),
    *[Spec(cls.__name__, cls, lambda d: {"params": model(), "lr": 0.1, "betas": (0.9, 0.99),
                                         "eps": 1e-8, "weight_decay": 0.01})
      for cls in (optim.Adam, optim.AdamW)],
    Spec("Adam.load_state_dict", lambda state: adam().load_state_dict(state),
         lambda d: {"state": adam().state_dict()}),
    *[Spec(cls.__name__, lambda optimizer, cls=cls, **kw: cls(optimizer, **kw), fn,
           counts=("step_size", "total_epochs", "warmup_epochs"))
      for cls, fn in [
          (optim.StepLR, lambda d: {"optimizer": adam(), "step_size": 2, "gamma": 0.5}),
          (optim.ExponentialLR, lambda d: {"optimizer": adam(), "gamma": 0.5}),
          (optim.InverseTimeLR, lambda d: {"optimizer": adam(), "decay": 0.5}),
          (optim.LinearLR, lambda d: {"optimizer": adam(), "total_epochs": 4, "end_factor": 0.1}),
          (optim.CosineLR, lambda d: {"optimizer": adam(), "total_epochs": 4, "min_lr": 0.0}),
          (optim.WarmupLR, lambda d: {"optimizer": adam(), "warmup_epochs": 2, "then": None})]
      ],
    Spec("StepLR.load_state_dict",
         lambda state: optim.StepLR(adam(), 2).load_state_dict(state),
         lambda d: {"state": optim.StepLR(adam(), 2).state_dict()}),
    # data
    *[Spec(fn.__name__, fn, lambda d: {"n": 10, "noise": 0.1, "rng": 0}, counts=("n",))
      for fn in (data.make_moons, data.make_xor)],
    Spec("make_circles", data.make_circles, lambda d: {"n": 10, "noise": 0.1, "factor": 0.5,
                                                       "rng": 0}, counts=("n",)),
    Spec("make_blobs", data.make_blobs, lambda d: {"n": 10, "k": 2, "noise": 0.1, "rng": 0,
                                                   "centers": [[0.0, 0.0], [1.0, 1.0]]},
         counts=("n", "k")),
    Spec("make_spiral", data.make_spiral, lambda d: {"n": 12, "k": 3, "noise": 0.1, "rng": 0},
         counts=("n", "k")),
    Spec("load_csv", data.load_csv, lambda d: {"path": csv_file(d), "regression": False,
                                               "target_names": ["a", "b"], "description": ""},
         skip=("regression",), passthrough=("description",)),
    Spec("load_dataset", data.load_dataset, lambda d: {"name": "iris"}),
    Spec("load_diabetes", data.load_diabetes, lambda d: {"scaled": False}),
    Spec("load_digits", data.load_digits, lambda d: {"scaled": False}),
    Spec("make_shapes", data.make_shapes, lambda d: {"n": 4, "size": 6, "noise": 0.1, "rng": 0},
         counts=("n", "size")),
    Spec("load_image_folder", data.load_image_folder,
         lambda d: {"path": image_folder(d), "size": (4, 4), "grayscale": True,
                    "on_error": "raise"}, counts=("size",)),
    Spec("train_test_split", data.train_test_split,
         lambda d: {"X": X4, "y": Y4, "test_size": 0.5, "rng": 0, "stratify": True},
         passthrough=("X", "y")),
    Spec("batches", lambda **kw: list(data.batches(**kw)),
         lambda d: {"X": X4, "y": Y4, "batch_size": 3, "rng": 0, "shuffle": True},
         counts=("batch_size",), passthrough=("X", "y")),
    Spec("one_hot", data.one_hot, lambda d: {"y": [0, 2, 1], "k": 3}, counts=("k",)),
    Spec("standardize", data.standardize, lambda d: {"X_train": X4, "X_test": X4},
         names=("Standardizer",)),
    *[Spec(f"Standardizer.{m}", method(std_fitted if m != "fit" else data.Standardizer, m),
           lambda d: {"X": X4}) for m in ("fit", "transform", "inverse_transform", "fit_transform")],
    # training
    Spec("TrainingReport", train.TrainingReport,
         lambda d: dict(path=d / "r.html", X=X4, y=Y4, title="t", every=1, grid=5, epochs=3),
         counts=("every", "grid", "epochs"), passthrough=("title",)),
    Spec("TrainingReport.update",
         lambda report, history, model: report.update(history, model),
         lambda d: dict(report=train.TrainingReport(d / "r.html", X4, Y4, grid=5),
                        history=history(), model=model()), skip=("report",)),
    Spec("EarlyStopping", train.EarlyStopping,
         lambda d: {"patience": 2, "monitor": "loss", "min_delta": 0.0},
         skip=("restore_best",)),
    Spec("EarlyStopping.load_state_dict",
         lambda state: train.EarlyStopping().load_state_dict(state),
         lambda d: {"state": train.EarlyStopping().state_dict()}),
    Spec("History.from_dict", train.History.from_dict, lambda d: {"d": history().as_dict()}),
    Spec("batch_step", train.batch_step,
         lambda d: {"model": model(), "loss_fn": losses.softmax_cross_entropy,
                    "xb": X4, "yb": Y4, "l2": 0.01},
         callbacks=("loss_fn",), names=("Neuron", "Layer", "softmax_cross_entropy", "l2",
                                         "Value.dot")),
    Spec("evaluate", train.evaluate, lambda d: {"model": model(), "loss": "softmax_cross_entropy",
                                                "X": X4, "y": Y4, "batch_size": 2,
                                                "metric": "auto"}, callbacks=("loss",)),
    Spec("predict", train.predict, lambda d: {"model": model(), "X": X4, "batch_size": 2,
                                              "kind": "labels", "negative": 0},
         names=("Neuron",)),
    Spec("fit", lambda **kw: train.fit(progress=False, **kw),
         lambda d: dict(model=(m := model()), loss="softmax_cross_entropy", optimizer=adam(m),
                        X=X4, y=Y4, epochs=2, batch_size=2, validation=(X4, Y4),
                        schedule=None, checkpoint=d / "fit.json", early_stopping=None,
                        resume=None, metric="auto", l2=0.0, shuffle=True, seed=0,
                        compiled=False, verbose=0, report=d / "fit.html"),
         counts=("epochs",), callbacks=("loss",), names=("EarlyStopping", "TrainingReport"),
         skip=("compiled",)),
    Spec("Learner", lambda model, loss, optimizer, X, y, epochs:
         train.Learner(model, loss, optimizer).fit(X, y, epochs, progress=False),
         lambda d: dict(model=(m := model()), loss="softmax_cross_entropy", optimizer=adam(m),
                        X=X4, y=Y4, epochs=2),
         counts=("epochs",), callbacks=("loss",), names=("fit",)),
    Spec("fit(compiled=True)", lambda **kw: train.fit(progress=False, compiled=True, **kw),
         lambda d: dict(model=(m := model()), loss="softmax_cross_entropy", optimizer=adam(m),
                        X=X4, y=Y4, epochs=2, batch_size=None, l2=0.0, shuffle=False,
                        backend="auto"),
         counts=("epochs",), callbacks=("loss",), names=("fit", "compile")),
    # compiled mode
    Spec("compile_step",
         lambda model, loss_fn, static_targets, max_traces, X, y:
         trace.compile_step(model, loss_fn, static_targets, max_traces)(X, y),
         lambda d: dict(model=model(), loss_fn=losses.softmax_cross_entropy,
                        static_targets=True, max_traces=4, X=X4, y=Y4),
         skip=("static_targets",), counts=("max_traces",), callbacks=("loss_fn",),
         names=("compile", "Neuron", "softmax_cross_entropy")),
    Spec("trace.compile", lambda fn, static_argnums, max_traces, x, y:
         trace.compile(fn, static_argnums, max_traces)(x, y),
         lambda d: dict(fn=f2, static_argnums=(), max_traces=2, x=0.5, y=1.5),
         counts=("max_traces",), callbacks=("fn",), names=("compile",)),
    Spec("peek", trace.peek, lambda d: {"v": Value(1.0)}),
    Spec("generate", trace.generate, lambda d: dict(zip(("root", "inputs"), (graph(), []))),
         names=("generate", "compile")),
    Spec("save_checkpoint", train.save_checkpoint,
         lambda d: dict(path=d / "c.json", model=(m := model()), optimizer=adam(m),
                        schedule=None, epoch=1, history=history(), extra={"note": 1})),
    Spec("load_checkpoint", train.load_checkpoint,
         lambda d: dict(path=checkpoint(d), model=(m := model()), optimizer=adam(m),
                        schedule=None)),
    # drawing, listing, comparing
    Spec("roles", viz.roles, lambda d: {"root": graph(), "params": None}),
    Spec("to_dot", viz.to_dot, lambda d: {"root": graph(), "rankdir": "LR", "params": [],
                                          "clusters": "auto", "radius": 2, "swept": None,
                                          "title": "t", "max_nodes": 100},
         counts=("max_nodes", "radius"), passthrough=("title",)),
    Spec("picture_format", viz.picture_format, lambda d: {"path": "g.png", "where": "render"},
         names=("render",)),
    Spec("render", viz.render, lambda d: {"root": graph(), "path": d / "g.svg"}),
    Spec("render_steps", viz.render_steps,
         lambda d: {"root": graph(), "folder": d / "film", "fmt": "svg", "max_steps": 10},
         counts=("max_steps",)),
    Spec("to_html", viz.to_html, lambda d: {"root": graph(), "path": d / "g.html", "params": [],
                                            "title": "t", "radius": 2, "max_nodes": 100},
         counts=("max_nodes", "radius"), passthrough=("title",)),
    Spec("listing", adjoint.listing, lambda d: {"root": graph()}),
    Spec("node_names", adjoint.node_names, lambda d: {"root": graph()}),
    Spec("names_in_order", adjoint.names_in_order,
         lambda d: {"order": graph().topological_order()}),
    Spec("trace_backward", adjoint.trace_backward, lambda d: {"root": graph(),
                                                              "file": io.StringIO()}),
    Spec("trace_forward", adjoint.trace_forward,
         lambda d: feed_args(file=io.StringIO())),
    Spec("sweep_steps", lambda root: list(adjoint.sweep_steps(root)), lambda d: {"root": graph()}),
    Spec("format_steps", adjoint.format_steps, lambda d: {"steps": one_step()}),
    Spec("short", adjoint.short, lambda d: {"x": 1.5}, finite=False),
    Spec("compare", alphabeta.compare,
         lambda d: dict(zip(("out", "wrt"), leaves()[:2]), repeats=1, max_calls=100),
         counts=("repeats",)),
    Spec("explain", alphabeta.explain, lambda d: dict(zip(("out", "x"), leaves()[:2]), limit=3)),
    Spec("adjoints", alphabeta.adjoints, lambda d: {"out": graph()}),
    # expressions and the command line's helpers
    Spec("expression", expr.parse, lambda d: {"text": "x * 2"}),
    Spec("expression", expr.variables, lambda d: {"text": "x * y"}),
    Spec("parse_values", expr.parse_values, lambda d: {"items": ["x=1", "y=2"]}, names=("value",)),
    Spec("build", expr.build, lambda d: {"text": "x * y", "values": {"x": 1.0, "y": 2.0}},
         names=("expression", "value")),
    Spec("available_demos", cli.available_demos, lambda d: {"folder": d}),
    # pictures of training (matplotlib)
    Spec("plot_history", plots.plot_history, lambda d: {"history": history(), "path": d / "h.png",
                                                        "title": "t", "dpi": 20,
                                                        "val_label": "test", "ax": None,
                                                        "metrics": None, "xlabel": "step",
                                                        "per_batch": False},
         passthrough=("title", "val_label")),
    Spec("plot_regression", plots.plot_regression,
         lambda d: {"y_true": [1.0, 2.0], "predictions": {"m": [1.5, 2.5]}, "path": d / "r.png",
                    "title": "t", "dpi": 20, "ax": None}, passthrough=("title",)),
    Spec("plot_decision_boundary", plots.plot_decision_boundary,
         lambda d: {"model": model(), "X": X4, "y": Y4, "path": d / "b.png", "title": "t", "ax": None,
                    "resolution": 5, "margin": 0.25, "dpi": 20, "X_test": X4, "y_test": Y4,
                    "class_names": ["a", "b"]},
         counts=("resolution",), passthrough=("title",)),
    Spec("plot_fit_curve", train.plot_fit_curve,
         lambda d: {"model": lambda r: 2.0 * r[0], "X": [[0.0], [1.0]], "y": [0.5, 2.5], "path": d / "c.png",
                    "ax": None, "title": "t", "xlabel": "x", "ylabel": "y", "points": 5,
                    "dpi": 20}, counts=("points",), callbacks=("model",),
         passthrough=("title", "xlabel", "ylabel")),
    Spec("plot_fit_surface", train.plot_fit_surface,
         lambda d: {"model": lambda r: r[0] - r[1], "X": [[0.0, 0.0], [1.0, 0.5]],
                    "y": [0.5, 2.5], "path": d / "s.png", "ax": None, "title": "t",
                    "xlabel": "a", "ylabel": "b", "zlabel": "c", "points": 3, "dpi": 20},
         counts=("points",), callbacks=("model",),
         passthrough=("title", "xlabel", "ylabel", "zlabel")),
    Spec("classes_of", plots.classes_of, lambda d: {"outputs": [[0.1, 2.0], 0.5], "labels": [0, 1]},
         passthrough=("labels",)),
]

#: public names that take no argument or are not functions (constants, exceptions, records)
NO_ARGUMENTS = {"no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly", "load_iris",
                "load_names",
                "load_wine", "demos_folder", "main", "Module", "History", "Standardizer",
                "Optimizer", "Schedule"}

MODULES = [ts, data, losses, optim, train, nn, viz, plots, functional, naive, alphabeta,
           adjoint, expr, checks, ops, cli, trace]


# ---------------------------------------------------------------------- the machinery
def _walk(x: Any, depth: int = 0) -> Any:
    """Every float inside a result (lists, tuples, dicts, Values, Duals, named tuples)."""
    if depth > 6:
        return
    if isinstance(x, float):
        yield x
    elif isinstance(x, Value):
        yield x.data
    elif isinstance(x, Dual):
        yield x.primal
        yield x.tangent
    elif isinstance(x, dict):
        for v in x.values():
            yield from _walk(v, depth + 1)
    elif isinstance(x, (list, tuple)):
        for v in x[:1000]:
            yield from _walk(v, depth + 1)


def _alarm(signum: int, frame: Any) -> None:
    raise Hung()


def _try(spec: Spec, folder: Path, arg: str, label: str, bad: Any) -> Optional[str]:
    """One bad call; return a description of what went wrong, or None if all is well."""
    folder.mkdir()
    kw = spec.args(folder)
    before = sorted(p.name for p in folder.rglob("*"))
    kw[arg] = bad
    where = f"{spec.name}({arg}={label})"
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, 10.0)
    try:
        result = spec.call(**kw)
        if isinstance(result, types.GeneratorType):
            result = list(result)
    except Hung:
        return f"{where}: still running after 10 s"
    except ALLOWED + (OSError,) + spec.errors as e:
        if _from_user_code(e):
            return None  # the user's own function raised: its error passes through unchanged
        if isinstance(e, OSError) and e.filename is not None:
            return None  # a file that cannot be read or written: named by the error
        msg = str(e)
        names = (spec.name, spec.name.split(".")[-1], arg) + spec.names
        if not any(n in msg for n in names):
            return f"{where}: {type(e).__name__} does not name {spec.name} or {arg}: {msg!r}"
        if not spec.protocol and any(frag in msg for frag in INTERNAL):
            return f"{where}: {type(e).__name__} from inside: {msg!r}"
        after = sorted(p.name for p in folder.rglob("*"))
        if after != before:
            return f"{where}: left files behind after failing: {sorted(set(after) - set(before))}"
        return None
    except BaseException as e:  # noqa: B036 - that is the point: anything else is a bug
        return f"{where}: {type(e).__name__}: {e}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        signal.signal(signal.SIGALRM, old)
    if spec.finite and arg not in spec.passthrough:
        made_up = [v for v in _walk(result) if not math.isfinite(v)]
        fed = [v for v in _walk(bad) if not math.isfinite(v)]
        huge = any(abs(v) >= HUGE for v in _walk(bad)) or _big_int(bad)
        if made_up and fed:
            return f"{where}: accepted {label} and returned {made_up[0]}"
        if made_up and not (huge and all(math.isinf(v) for v in made_up)):
            return f"{where}: returned {made_up[0]} from finite inputs"
    return None


def _big_int(x: Any) -> bool:
    return (isinstance(x, int) and abs(x) > 2 ** 1023) or (
        isinstance(x, list) and any(_big_int(v) for v in x))


#: the code of the test's own callbacks (``f`` of ``grad``...): errors raised there are the user's
USER_CODE = {f.__code__ for f in USER}


def _from_user_code(e: BaseException) -> bool:
    tb = e.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code in USER_CODE:
            return True
        tb = tb.tb_next
    return False


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a bad value such as "1" is a valid relative path


@pytest.mark.parametrize("spec", SPECS, ids=[f"{i:02d}-{s.name}" for i, s in enumerate(SPECS)])
def test_bad_values_give_clear_errors(spec: Spec, tmp_path: Path) -> None:
    ok = tmp_path / "valid"
    ok.mkdir()
    spec.call(**spec.args(ok))  # the valid call works
    arguments = [a for a in spec.args(tmp_path / "valid") if a not in spec.skip]
    problems = []
    n = 0
    for arg in arguments:
        for label, bad in BAD:
            if arg in spec.counts and _big_int(bad):
                continue  # a size that large is honoured until memory runs out
            if arg in spec.callbacks and callable(bad):
                continue  # any function is a valid callback; what it raises is its own
            n += 1
            problem = _try(spec, tmp_path / f"t{n}", arg, label, bad)
            if problem:
                problems.append(problem)
    campaign.add("bad_inputs", n)
    assert not problems, f"{len(problems)} of {n} bad calls misbehaved:\n" + "\n".join(problems)


def test_every_public_function_has_a_spec() -> None:
    covered = {s.name.split(".")[-1] for s in SPECS} | {s.name for s in SPECS}
    covered |= {"grad", "cost", "parse", "variables", "Dual", "Value", "sin", "cos", "softplus",
                "tan", "atan", "sqrt", "log1p", "logsumexp",
                "step", "Compiled"}  # Compiled: what trace.compile returns, called above
    missing = []
    for mod in MODULES:
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if name in covered or name in NO_ARGUMENTS or not callable(obj):
                continue
            if isinstance(obj, type) and (issubclass(obj, BaseException) or
                                          issubclass(obj, tuple)):
                continue  # exceptions and records
            missing.append(f"{mod.__name__}.{name}")
    assert not missing, f"public functions without a bad-input spec: {missing}"


# ---------------------------------------------------------------------- the command line
EXPRESSIONS = ["", "   ", "x\x00", "x" * 20_000, "(" * 300 + "x" + ")" * 300, "-" * 300 + "x",
               "x +", "x y", "x = 1", "__import__('os').system('touch pwned')",
               "open('pwned', 'w')", "x.__class__", "lambda: x", "[x for x in (1, 2)]",
               "x if x else 1", "foo(x)", "exp(x, x)", "exp(x=1)", "1e999 * x", "x ** 1e5",
               "x / 0", "log(-x)", "exp(1000 * x)", "x // 2", "'a' * x", "x[0]", "{x}",
               "(x := 1)", "f'{x}'", "x @ x", "\\x", "exp", "3"]
VALUES = [["x"], ["=1"], ["x="], ["x=abc"], ["x=nan"], ["x=inf"], ["x=-inf"], ["x=1e999"],
          ["x=1=2"], ["1x=2"], ["if=1"], ["exp=1"], ["x=1", "x=2"], ["x=1", "y=2"], [],
          ["x=0x10"], ["x=1_0e"], ["x=\x00"]]
OPTIONS = [["-o", "g.gif"], ["-o", "no/such/folder/g.png"], ["-o", "a_folder.png"],
           ["-o", "/proc/g.png"], ["-o", ""], ["--rankdir", "UP"], ["--rankdir"], ["--bogus"],
           ["--dot", "extra"], ["-o"]]
COMPARE = [["--wrt", "z"], ["--wrt", ""], ["--wrt", ","], ["--repeats", "0"],
           ["--repeats", "-1"], ["--repeats", "abc"], ["--repeats", "1e3"],
           ["--repeats", "99999999999999999999"], ["--max-calls", "many"],
           ["--max-calls", "0"], ["--max-calls", "99999999999999999999"], ["--explain", "z"],
           ["--explain", ""], ["--limit", "0"], ["--limit", "x"], ["--limit", "-5"]]
DEMOS = [["demo", "nope"], ["demo", "../setup"], ["demo", ""], ["demo", "moons", "--steps", "abc"],
         ["demo", "moons", "--steps", "0"], ["demo", "moons", "--bogus"],
         ["demo", "iris", "--epochs", "-1"], ["demo", "alpha_vs_beta", "--out"]]
TOP = [[], ["bogus"], ["--bogus"], ["graph"], ["compare"], ["graph", "--bogus"]]


def command_lines() -> List[List[str]]:
    """Every bad command line tried: each part of each command made wrong in turn."""
    lines = [["graph", e, "x=1.5"] for e in EXPRESSIONS]
    lines += [["compare", e, "x=1.5"] for e in EXPRESSIONS[:12]]
    lines += [["graph", "x * 2", *v] for v in VALUES]
    lines += [["compare", "x * 2", *v] for v in VALUES]
    lines += [["graph", "x * 2", "x=1", *o] for o in OPTIONS]
    lines += [["compare", "x * 2", "x=1", *o] for o in COMPARE]
    return lines + DEMOS + TOP


@pytest.mark.parametrize("argv", [command_lines()], ids=["all"])
def test_every_bad_command_line_is_one_line_with_status_2(argv: List[List[str]], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "a_folder.png").mkdir()
    problems = []
    for args in argv:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, 20.0)
        try:
            status = cli.main(args)
        except Hung:
            status = "still running after 20 s"
        except BaseException as e:  # noqa: B036 - nothing may escape main
            status = f"{type(e).__name__}: {e}"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0.0)
            signal.signal(signal.SIGALRM, old)
        _, err = capsys.readouterr()
        files = sorted(p.name for p in tmp_path.iterdir())
        if status != 2 or err.count("\n") != 1 or "Traceback" in err or not err.startswith(
                "tinygrad-scalar") or files != ["a_folder.png"]:
            problems.append(f"{args!r:.120}: status {status}, files {files}, stderr {err!r:.300}")
    assert not (tmp_path / "pwned").exists()
    campaign.add("cli_bad_inputs", len(argv))
    assert not problems, f"{len(problems)} of {len(argv)} command lines:\n" + "\n".join(problems)


def test_huge_ints_are_refused_without_printing_them() -> None:
    for call in (lambda: Value(10 ** 5000), lambda: Value(1.0) * 10 ** 5000,
                 lambda: Dual(10 ** 5000), lambda: Dual(1.0) + 10 ** 5000):
        with pytest.raises(OverflowError, match=r"an int of 16610 bits,? (is )?too large for a float"):
            call()
