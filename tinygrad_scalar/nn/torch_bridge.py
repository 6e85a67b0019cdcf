"""Carry a model to PyTorch and back: ``to_torch(model)`` and ``from_torch(sequential)``.

PyTorch is optional: it is imported inside the two functions, which say what to install
when it is missing. The weights travel as float64 in both directions (a ``Value`` holds a
Python float, which is a float64), so a round trip is exact: ``from_torch(to_torch(m))``
has the same ``state_dict`` as ``m``, bit for bit.

The conversion is a table with one entry per layer type, in each direction:

* out (``_TO_TORCH``): a module here gives a list of ``torch.nn`` modules (a ``Layer`` is a
  ``Linear`` followed by its activation; an ``MLP`` is its layers and dropouts in order);
* in (``_FROM_TORCH``): a ``torch.nn`` module, by class name, becomes a *piece*
  (``("linear", weight, bias)``, ``("activation", name)``, ``("dropout", p)``), and the
  pieces are assembled into an ``MLP``.

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


def _dropout_to_torch(d: Dropout, torch: Any) -> List[Any]:
    return [torch.nn.Dropout(d.p)]


def _mlp_to_torch(m: MLP, torch: Any) -> List[Any]:
    out: List[Any] = []
    for i, layer in enumerate(m.layers):
        out += _convert_out(layer, torch)
        if i < len(m.dropouts):
            out += _convert_out(m.dropouts[i], torch)
    return out


_TO_TORCH: Dict[type, Callable[[Any, Any], List[Any]]] = {
    Layer: _layer_to_torch,
    Dropout: _dropout_to_torch,
    MLP: _mlp_to_torch,
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

    An ``MLP`` becomes ``Linear``, its activation (``ReLU``, ``Tanh``, ``Sigmoid``; none for
    ``"linear"``) and ``Dropout`` modules, in order; a ``Layer`` a ``Linear`` and its
    activation. One output here is a ``Value``, there a tensor of one column.
    """
    if not isinstance(model, Module):
        raise TypeError(f"to_torch: model must be a Module, got {type(model).__name__}")
    torch = _torch("to_torch")
    seq = torch.nn.Sequential(*_convert_out(model, torch))
    seq.train(model.training)
    return seq


# ---------------------------------------------------------------------- in: from torch
def _linear_piece(m: Any) -> Piece:
    weight = m.weight.detach().double().tolist()
    bias = [0.0] * len(weight) if m.bias is None else m.bias.detach().double().tolist()
    if not all(math.isfinite(x) for row in weight + [bias] for x in row):
        raise ValueError(f"from_torch: {m} has a weight or bias that is not finite")
    return ("linear", weight, bias)


_FROM_TORCH: Dict[str, Callable[[Any], Piece]] = {
    "Linear": _linear_piece,
    "ReLU": lambda m: ("activation", "relu"),
    "Tanh": lambda m: ("activation", "tanh"),
    "Sigmoid": lambda m: ("activation", "sigmoid"),
    "Identity": lambda m: ("activation", "linear"),
    "Dropout": lambda m: ("dropout", float(m.p)),
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


def _assemble(pieces: List[Piece]) -> MLP:
    """The ``MLP`` of ``Linear [activation] [Dropout]`` groups, or a ValueError saying why
    these pieces are not one."""
    layers: List[List[Any]] = []  # [weight, bias, activation]
    drops: List[float] = []
    for piece in pieces:
        kind = piece[0]
        if kind == "linear":
            if layers and len(piece[1][0]) != len(layers[-1][0]):
                raise ValueError(f"from_torch: a Linear with {len(piece[1][0])} inputs follows "
                                 f"one with {len(layers[-1][0])} outputs")
            if len(drops) < len(layers):
                drops.append(0.0)
            layers.append([piece[1], piece[2], "linear"])
        elif not layers:
            raise ValueError(f"from_torch: the model must start with a Linear, not {kind} "
                             f"(an MLP here is Linear, activation, Dropout, ... groups)")
        elif kind == "activation":
            if layers[-1][2] != "linear" or len(drops) == len(layers):
                raise ValueError("from_torch: one activation per Linear, right after it")
            layers[-1][2] = piece[1]
        elif len(drops) == len(layers):
            raise ValueError("from_torch: one Dropout per Linear, after its activation")
        else:
            drops.append(piece[1])
    if not layers:
        raise ValueError("from_torch: the model has no Linear layer")
    if len(drops) == len(layers) and drops[-1] != 0.0:
        raise ValueError("from_torch: a Dropout after the last layer has no counterpart here")
    hidden = sorted(set(drops[:len(layers) - 1]))
    if len(hidden) > 1:
        raise ValueError(f"from_torch: an MLP here has one dropout rate after every hidden "
                         f"layer, got {hidden}")
    m = MLP(len(layers[0][0][0]), [len(w) for w, _, _ in layers],
            activation=[a for _, _, a in layers], dropout=hidden[0] if hidden else 0.0, rng=0)
    for layer, (weight, bias, _) in zip(m.layers, layers):
        for neuron, row, b in zip(layer.neurons, weight, bias):
            for w, x in zip(neuron.w, row):
                w.data = x
            neuron.b.data = b
    return m


def from_torch(module: torch.nn.Module) -> MLP:
    """The model here equivalent to a ``torch.nn.Sequential`` (or one ``Linear``): the
    same weights (read as float64) and the same training or evaluation mode.

    The sequence must be groups of ``Linear``, an optional activation (``ReLU``, ``Tanh``,
    ``Sigmoid``, ``Identity``) and, after hidden layers, an optional ``Dropout`` of one
    rate; anything else is a ``ValueError`` naming the module. A ``Linear`` without a
    bias gets a bias of zero.
    """
    torch = _torch("from_torch")
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"from_torch: module must be a torch.nn.Module, got "
                        f"{type(module).__name__}")
    m = _assemble(_pieces(module, torch))
    m.train(module.training)
    return m
