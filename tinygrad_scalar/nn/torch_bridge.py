"""Carry a model to PyTorch and back: ``to_torch(model)`` and ``from_torch(sequential)``.

PyTorch is optional: it is imported inside the two functions, which say what to install
when it is missing. The weights travel as float64 in both directions (a ``Value`` holds a
Python float, which is a float64), so a round trip is exact: ``from_torch(to_torch(m))``
has the same ``state_dict`` as ``m``, bit for bit.

The conversion is a table with one entry per layer type, in each direction:

* out (``_TO_TORCH``): a module here gives a list of ``torch.nn`` modules (``Linear``,
  ``ReLU``, ``Tanh``, ``Sigmoid``, ``Dropout`` and ``BatchNorm1d`` one each; a ``Layer`` is
  a ``Linear`` followed by its activation; an ``MLP`` or a ``Sequential`` its parts in
  order);
* in (``_FROM_TORCH``): a ``torch.nn`` module, by class name, becomes a *piece*
  (``("linear", weight, bias)``, ``("activation", name)``, ``("dropout", p)``,
  ``("batchnorm", module)``). Pieces that make ``Linear``, activation, ``Dropout``
  groups become an ``MLP``; any other sequence a ``Sequential`` of the same layers.

>>> from tinygrad_scalar import MLP
>>> m = MLP(2, [3, 1], activation="tanh", rng=0)
>>> t = to_torch(m)                                          # doctest: +SKIP
>>> t                                                        # doctest: +SKIP
Sequential(
  (0): Linear(in_features=2, out_features=3, bias=True)
  (1): Tanh()
  (2): Linear(in_features=3, out_features=1, bias=True)
)
>>> from_torch(t).state_dict() == m.state_dict()             # doctest: +SKIP
True
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Tuple

from .batchnorm import BatchNorm1d
from .layers import Linear, ReLU, Sequential, Sigmoid, Tanh
from .modules import MLP, Dropout, Layer, Module

if TYPE_CHECKING:
    import torch

__all__ = ["to_torch", "from_torch"]

Piece = Tuple[Any, ...]  # ("linear", weight rows, bias), ("activation", name), ("dropout", p)

_ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}  # ours -> torch.nn's


def _torch(where: str) -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError(f"{where} needs PyTorch: pip install torch") from None
    return torch


# ---------------------------------------------------------------------- out: to torch
def _layer_to_torch(layer: Layer, torch: Any) -> List[Any]:
    neurons = layer.neurons
    linear = torch.nn.Linear(len(neurons[0].w), len(neurons), dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in neurons],
                                         dtype=torch.float64))
        linear.bias.copy_(torch.tensor([n.b.data for n in neurons], dtype=torch.float64))
    act = neurons[0].activation
    return [linear] + ([getattr(torch.nn, _ACTIVATIONS[act])()] if act in _ACTIVATIONS else [])


def _tensor(torch: Any, xs: Any) -> Any:
    return torch.tensor(xs, dtype=torch.float64)


def _linear_to_torch(m: Linear, torch: Any) -> List[Any]:
    lin = torch.nn.Linear(m.in_features, m.out_features, bias=m.bias is not None,
                          dtype=torch.float64)
    with torch.no_grad():
        lin.weight.copy_(_tensor(torch, [[w.data for w in row] for row in m.weight]))
        if m.bias is not None:
            lin.bias.copy_(_tensor(torch, [b.data for b in m.bias]))
    return [lin]


def _batchnorm_to_torch(m: BatchNorm1d, torch: Any) -> List[Any]:
    bn = torch.nn.BatchNorm1d(m.num_features, eps=m.eps, momentum=m.momentum, affine=m.affine,
                              track_running_stats=m.track_running_stats, dtype=torch.float64)
    with torch.no_grad():
        if m.weight is not None and m.bias is not None:
            bn.weight.copy_(_tensor(torch, [w.data for w in m.weight]))
            bn.bias.copy_(_tensor(torch, [b.data for b in m.bias]))
        if m.running_mean is not None and m.running_var is not None:
            bn.running_mean.copy_(_tensor(torch, m.running_mean))
            bn.running_var.copy_(_tensor(torch, m.running_var))
            bn.num_batches_tracked.fill_(m.num_batches_tracked or 0)
    return [bn]


def _dropout_to_torch(d: Dropout, torch: Any) -> List[Any]:
    return [torch.nn.Dropout(d.p)]


def _sequential_to_torch(m: Sequential, torch: Any) -> List[Any]:
    return [t for child in m for t in _convert_out(child, torch)]


def _mlp_to_torch(m: MLP, torch: Any) -> List[Any]:
    out: List[Any] = []
    for i, layer in enumerate(m.layers):
        out += _convert_out(layer, torch)
        if i < len(m.dropouts):
            out += _convert_out(m.dropouts[i], torch)
    return out


_TO_TORCH: Dict[type, Callable[[Any, Any], List[Any]]] = {
    Layer: _layer_to_torch,
    Linear: _linear_to_torch,
    ReLU: lambda m, torch: [torch.nn.ReLU()],
    Tanh: lambda m, torch: [torch.nn.Tanh()],
    Sigmoid: lambda m, torch: [torch.nn.Sigmoid()],
    Dropout: _dropout_to_torch,
    BatchNorm1d: _batchnorm_to_torch,
    MLP: _mlp_to_torch,  # found before Sequential: the class's own entry comes first
    Sequential: _sequential_to_torch,
}


def _convert_out(module: Module, torch: Any) -> List[Any]:
    for cls in type(module).__mro__:
        if cls in _TO_TORCH:
            return _TO_TORCH[cls](module, torch)
    raise ValueError(f"to_torch: no PyTorch counterpart for {type(module).__name__} "
                     f"(known: {', '.join(c.__name__ for c in _TO_TORCH)})")


def to_torch(model: Module) -> torch.nn.Sequential:
    """A ``torch.nn.Sequential`` computing what ``model`` computes, with the same weights
    as float64 tensors, in the same training or evaluation mode.

    ``Linear``, ``ReLU``, ``Tanh``, ``Sigmoid``, ``Dropout`` and ``BatchNorm1d`` (with its
    running statistics) become PyTorch's own; a ``Sequential`` its parts in order; an
    ``MLP`` its ``Linear``, activation (none for ``"linear"``) and ``Dropout`` modules; a
    ``Layer`` a ``Linear`` and its activation. One output of an ``MLP`` is a ``Value``
    here, a tensor of one column there.
    """
    if not isinstance(model, Module):
        raise TypeError(f"to_torch: model must be a Module, got {type(model).__name__}")
    torch = _torch("to_torch")
    seq = torch.nn.Sequential(*_convert_out(model, torch))
    seq.train(model.training)
    return seq


# ---------------------------------------------------------------------- in: from torch
def _floats(t: Any, what: str) -> List[Any]:
    xs = t.detach().double().tolist()
    flat = [x for row in xs for x in row] if xs and isinstance(xs[0], list) else xs
    if not all(math.isfinite(x) for x in flat):
        raise ValueError(f"from_torch: {what} has a value that is not finite")
    return list(xs)


def _linear_piece(m: Any) -> Piece:
    bias = None if m.bias is None else _floats(m.bias, f"{m}")
    return ("linear", _floats(m.weight, f"{m}"), bias)


def _batchnorm_piece(m: Any) -> Piece:
    bn = BatchNorm1d(m.num_features, eps=float(m.eps),
                     momentum=None if m.momentum is None else float(m.momentum),
                     affine=bool(m.affine), track_running_stats=bool(m.track_running_stats))
    if bn.weight is not None and bn.bias is not None:
        for ours, theirs in ((bn.weight, m.weight), (bn.bias, m.bias)):
            for v, x in zip(ours, _floats(theirs, f"{m}")):
                v.data = x
    if bn.track_running_stats:
        bn.running_mean = _floats(m.running_mean, f"{m}")
        bn.running_var = _floats(m.running_var, f"{m}")
        bn.num_batches_tracked = int(m.num_batches_tracked)
    return ("batchnorm", bn)


_FROM_TORCH: Dict[str, Callable[[Any], Piece]] = {
    "Linear": _linear_piece,
    "ReLU": lambda m: ("activation", "relu"),
    "Tanh": lambda m: ("activation", "tanh"),
    "Sigmoid": lambda m: ("activation", "sigmoid"),
    "Identity": lambda m: ("activation", "linear"),
    "Dropout": lambda m: ("dropout", float(m.p)),
    "BatchNorm1d": _batchnorm_piece,
}


def _pieces(module: Any, torch: Any) -> List[Piece]:
    children = list(module) if isinstance(module, torch.nn.Sequential) else [module]
    out: List[Piece] = []
    for i, child in enumerate(children):
        if isinstance(child, torch.nn.Sequential):
            out += _pieces(child, torch)
            continue
        name = type(child).__name__
        if name not in _FROM_TORCH or type(child) is not getattr(torch.nn, name, None):
            raise ValueError(f"from_torch: module {i} ({name}) has no counterpart here "
                             f"(known: {', '.join(_FROM_TORCH)})")
        out.append(_FROM_TORCH[name](child))
    return out


def _check_shapes(pieces: List[Piece]) -> None:
    """Each Linear and BatchNorm1d reads as many numbers as the layer before gives."""
    width = None
    for kind, *rest in pieces:
        if kind == "linear":
            nin, nout = len(rest[0][0]), len(rest[0])
        elif kind == "batchnorm":
            nin = nout = rest[0].num_features
        else:
            continue
        if width is not None and nin != width:
            raise ValueError(f"from_torch: a {'Linear' if kind == 'linear' else 'BatchNorm1d'} "
                             f"with {nin} inputs follows a layer of {width} outputs")
        width = nout
    if width is None:
        raise ValueError("from_torch: the model has no Linear layer")


class _NotAnMLP(Exception):
    """These pieces make a ``Sequential``, not an ``MLP`` (the reason is the message)."""


def _mlp_layers(pieces: List[Piece]) -> Tuple[List[List[Any]], float]:
    """``[weight, bias, activation]`` per layer and the dropout rate of an MLP, or
    ``_NotAnMLP``: groups of Linear (with a bias), an activation and a Dropout of one rate
    after every hidden layer."""
    layers: List[List[Any]] = []
    drops: List[float] = []
    for piece in pieces:
        kind = piece[0]
        if kind == "linear" and piece[2] is not None:
            if len(drops) < len(layers):
                drops.append(0.0)
            layers.append([piece[1], piece[2], "linear"])
        elif kind in ("linear", "batchnorm") or not layers:
            raise _NotAnMLP(f"{kind} here")
        elif kind == "activation":
            if layers[-1][2] != "linear" or len(drops) == len(layers):
                raise _NotAnMLP("one activation per Linear, right after it")
            layers[-1][2] = piece[1]
        elif len(drops) == len(layers):
            raise _NotAnMLP("one Dropout per Linear, after its activation")
        else:
            drops.append(piece[1])
    if len(drops) == len(layers) and drops[-1] != 0.0:
        raise _NotAnMLP("a Dropout after the last layer")
    hidden = sorted(set(drops[:len(layers) - 1]))
    if len(hidden) > 1:
        raise _NotAnMLP(f"dropout rates {hidden}")
    return layers, hidden[0] if hidden else 0.0


def _as_mlp(layers: List[List[Any]], dropout: float) -> MLP:
    m = MLP(len(layers[0][0][0]), [len(w) for w, _, _ in layers],
            activation=[a for _, _, a in layers], dropout=dropout, rng=0)
    for layer, (weight, bias, _) in zip(m.layers, layers):
        for neuron, row, b in zip(layer.neurons, weight, bias):
            for w, x in zip(neuron.w, row):
                w.data = x
            neuron.b.data = b
    return m


def _as_sequential(pieces: List[Piece]) -> Sequential:
    acts = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}
    mods: List[Module] = []
    for kind, *rest in pieces:
        if kind == "linear":
            weight, bias = rest
            lin = Linear(len(weight[0]), len(weight), bias=bias is not None, init="zeros")
            for row_here, row in zip(lin.weight, weight):
                for v, x in zip(row_here, row):
                    v.data = x
            for v, x in zip(lin.bias or [], bias or []):
                v.data = x
            mods.append(lin)
        elif kind == "activation":
            if rest[0] in acts:
                mods.append(acts[rest[0]]())
        elif kind == "dropout":
            mods.append(Dropout(rest[0], rng=0))
        else:
            mods.append(rest[0])
    return Sequential(*mods)


def from_torch(module: torch.nn.Module) -> Module:
    """The model here equivalent to a ``torch.nn.Sequential`` (or one layer): the same
    weights and buffers (read as float64) and the same training or evaluation mode.

    ``Linear`` (with a bias), activation (``ReLU``, ``Tanh``, ``Sigmoid``, ``Identity``)
    and ``Dropout`` groups with one dropout rate after every hidden layer, as
    ``to_torch(mlp)`` writes them, give an ``MLP``; any other sequence of those layers and
    ``BatchNorm1d`` gives a ``Sequential``. Another layer type, a non-finite weight or
    layers whose sizes do not chain are a ``ValueError`` naming them.
    """
    torch = _torch("from_torch")
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"from_torch: module must be a torch.nn.Module, got "
                        f"{type(module).__name__}")
    pieces = _pieces(module, torch)
    _check_shapes(pieces)
    model: Module
    try:
        model = _as_mlp(*_mlp_layers(pieces))
    except _NotAnMLP:
        model = _as_sequential(pieces)
    model.train(module.training)
    return model
