"""Neurons, layers and multi-layer perceptrons built on ``Value``.

>>> import random
>>> model = MLP(3, [4, 4, 1], rng=random.Random(0))
>>> y = model([2.0, 3.0, -1.0])
>>> type(y).__name__, len(model.parameters())
('Value', 41)

Every parameter carries a name (``L0.N2.w1`` is weight 1 of neuron 2 of layer 0) that is
also its label, so graphs and saved state say which weight is which.

Randomness (initial weights, dropout masks) comes from ``rng``, which means what it means
everywhere in the package (see ``core.checks.make_rng``): ``None`` draws from Python's
global ``random``, so ``random.seed(1337)`` before a micrograd-style script reproduces it;
an int seeds a new generator; a ``random.Random`` is used as it is. Nothing here ever
reseeds the global generator.

>>> random.seed(1337)
>>> a = MLP(2, [3, 1]).state_dict()
>>> random.seed(1337)
>>> a == MLP(2, [3, 1]).state_dict()
True
"""

from __future__ import annotations

import random
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from ..core.checks import RngLike, as_list, is_finite, is_real, make_rng, positive_int, probability
from ..core.value import Value
from .batchnorm import BatchNorm1d
from .init import INITS, check_init, init_weight
from .layers import Linear, ReLU, Sequential, Sigmoid, Tanh, is_batch
from .module import IncompatibleKeys, Module

__all__ = ["Module", "IncompatibleKeys", "Neuron", "Layer", "MLP", "Dropout", "ACTIVATIONS", "INITS"]
__all__ += ["Sequential", "Linear", "ReLU", "Tanh", "Sigmoid", "BatchNorm1d", "is_batch"]

Input = Sequence[Union[Value, float, int]]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")


def _check_choice(name: str, value: object, choices: Tuple[str, ...]) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value  # type: ignore[return-value]


class Neuron(Module):
    """``activation(w . x + b)`` as one fused weighted-sum node plus the activation.

    ``nin`` inputs; ``activation`` one of ``ACTIVATIONS``; ``init`` one of ``INITS``
    (``nout``, the layer's width, sets the Xavier scale; ``std`` is ``init="normal"``'s
    standard deviation, 0.01 by default); the weights are drawn from
    ``rng`` (``None``: Python's global ``random``; an int: a seed; or a
    ``random.Random``) and the bias starts at 0. ``name`` prefixes the parameters' labels.

    >>> n = Neuron(2, activation="linear", rng=0)
    >>> n.w[0].data, n.w[1].data = 2.0, -1.0
    >>> n([3.0, 4.0]).data
    2.0
    """

    def __init__(self, nin: int, activation: str = "relu", init: str = "auto",
                 rng: RngLike = None, nout: int = 1, name: str = "",
                 std: Optional[float] = None) -> None:
        positive_int(nin, "Neuron", "nin")
        positive_int(nout, "Neuron", "nout")
        if not isinstance(name, str):
            raise TypeError(f"Neuron: name must be a str, got {type(name).__name__}")
        self.activation = _check_choice("activation", activation, ACTIVATIONS)
        std = check_init(init, std, "Neuron")
        r = make_rng(rng, "Neuron")
        self.w = [Value(init_weight(init, nin, nout, r, activation, std), label=f"{name}w{i}")
                  for i in range(nin)]
        self.b = Value(0.0, label=f"{name}b")

    def __call__(self, x: Input) -> Value:
        if type(x) is not list and type(x) is not tuple:
            x = as_list(x, "Neuron", f"x (a list of {len(self.w)} inputs)")
        if len(x) != len(self.w):
            raise ValueError(f"Neuron expects {len(self.w)} inputs, got {len(x)}")
        act = Value.dot(self.w, x, self.b)
        a = self.activation
        if a == "relu":
            return act.relu()
        if a == "tanh":
            return act.tanh()
        if a == "sigmoid":
            return act.sigmoid()
        return act

    def named_parameters(self) -> Iterator[Tuple[str, Value]]:
        for i, w in enumerate(self.w):
            yield f"w{i}", w
        yield "b", self.b

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons reading the same inputs; always returns a list of ``nout`` values.

    The neurons draw their weights one after the other from ``rng`` (``None``: Python's
    global ``random``; an int: a seed; or a ``random.Random``).
    """

    def __init__(self, nin: int, nout: int, activation: str = "relu", init: str = "auto",
                 rng: RngLike = None, name: str = "", std: Optional[float] = None) -> None:
        positive_int(nout, "Layer", "nout")
        r = make_rng(rng, "Layer")
        self.neurons = [Neuron(nin, activation, init, r, nout=nout, name=f"{name}N{j}.",
                               std=std) for j in range(nout)]

    def __call__(self, x: Input) -> List[Value]:
        if type(x) is not list and type(x) is not tuple:
            x = as_list(x, "Layer", "x")
        if x and type(x[0]) is not Value and is_batch(x):
            return [self(r) for r in x]  # type: ignore[arg-type, misc]
        return [n(x) for n in self.neurons]

    @property
    def weight(self) -> List[List[Value]]:
        """The weights as PyTorch's ``Linear.weight`` holds them: one row per neuron."""
        return [n.w for n in self.neurons]

    @property
    def bias(self) -> List[Value]:
        """The biases, one per neuron (PyTorch's ``Linear.bias``)."""
        return [n.b for n in self.neurons]

    def named_children(self) -> Iterator[Tuple[str, Module]]:
        """The neurons, named ``N0``, ``N1``, ... (as their parameters are)."""
        for j, n in enumerate(self.neurons):
            yield f"N{j}", n

    def named_parameters(self) -> Iterator[Tuple[str, Value]]:
        for j, n in enumerate(self.neurons):
            for name, p in n.named_parameters():
                yield f"N{j}.{name}", p

    def __repr__(self) -> str:
        n = self.neurons[0]
        return f"Layer({len(n.w)}, {len(self.neurons)}, activation={n.activation!r})"


class MLP(Sequential):
    """A multi-layer perceptron: ``MLP(nin, [h1, h2, ..., nout])``, a ``Sequential`` of
    ``Layer``s (and ``Dropout``s) built for you.

    Hidden layers use ``activation`` (ReLU by default, as in micrograd) and the last layer
    is linear; pass a list of names to choose each layer's activation. With one output the
    model returns a ``Value``, otherwise a list; called on a batch (a list of rows) it
    returns one such output per row. ``dropout=p`` puts a ``Dropout(p)`` after every
    hidden layer (active only in training mode, see ``train()`` / ``eval()``). ``init``
    is one name of ``INITS`` or one per layer (``std`` for ``"normal"``).

    ``rng`` gives the initial weights, layer after layer, and then one seed per dropout
    layer: ``None`` draws them from Python's global ``random`` (so ``random.seed(1337)``
    first reproduces the model), an int is a seed, a ``random.Random`` is used as it is.
    Parameters keep the names ``L0.N3.w1`` (weight 1 of neuron 3 of layer 0).

    >>> MLP(2, [16, 16, 1])
    MLP(2, [16, 16, 1], activations=['relu', 'relu', 'linear'])
    >>> MLP(4, [8, 3], activation=["tanh", "linear"], dropout=0.2).architecture()
    {'type': 'MLP', 'nin': 4, 'nouts': [8, 3], 'activations': ['tanh', 'linear']}
    >>> [type(m).__name__ for m in MLP(4, [8, 3], dropout=0.2)]
    ['Layer', 'Dropout', 'Layer']
    """

    def __init__(self, nin: int, nouts: Sequence[int],
                 activation: Union[str, Sequence[str]] = "relu",
                 init: Union[str, Sequence[str]] = "auto", rng: RngLike = None,
                 dropout: float = 0.0, std: Optional[float] = None) -> None:
        positive_int(nin, "MLP", "nin")
        if not isinstance(nouts, (list, tuple)) or not nouts or not all(
                isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in nouts):
            raise ValueError(f"MLP: nouts must be a non-empty list of layer sizes (positive "
                             f"ints), got {nouts!r:.60}")
        nouts = list(nouts)
        if isinstance(activation, str):
            _check_choice("activation", activation, ACTIVATIONS)
        acts = _per_layer("activation", activation, len(nouts),
                          [activation] * (len(nouts) - 1) + ["linear"])
        for a in acts:
            _check_choice("activation", a, ACTIVATIONS)
        inits = _per_layer("init", init, len(nouts), [init] * len(nouts))
        stds = _stds(inits, std)
        r = make_rng(rng, "MLP")
        sizes = [nin] + nouts
        layers = [Layer(sizes[i], sizes[i + 1], acts[i], inits[i], r, name=f"L{i}.",
                        std=stds[i]) for i in range(len(nouts))]
        self.dropout = probability(dropout, "MLP", "dropout", allow_one=False)
        drops = ([Dropout(dropout, rng=random.Random(r.getrandbits(64)))
                  for _ in range(len(nouts) - 1)] if dropout else [])
        chain: List[Module] = []
        for i, layer in enumerate(layers):
            chain.append(layer)
            if i < len(drops):
                chain.append(drops[i])
        super().__init__(*chain)
        self.layers = layers
        self.dropouts = drops

    def __call__(self, x: Input) -> Any:
        if type(x) is not list and type(x) is not tuple:
            x = as_list(x, "MLP", "x (a row or a batch of rows)")
        if x and type(x[0]) is not Value and is_batch(x):
            return [self(r) for r in x]  # type: ignore[arg-type]
        drops = self.dropouts
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if drops and i < len(drops):
                x = drops[i](x)
        return x[0] if len(x) == 1 else x

    def _registered(self) -> Iterator[Tuple[str, Any]]:
        """The layers, named ``L0``, ``L1``, ... (as their parameters are), then the
        dropout layers, ``dropouts.0``, ..."""
        for i, layer in enumerate(self.layers):
            yield f"L{i}", layer
        for i, d in enumerate(self.dropouts):
            yield f"dropouts.{i}", d

    def named_parameters(self) -> Iterator[Tuple[str, Value]]:
        for i, layer in enumerate(self.layers):
            for name, p in layer.named_parameters():
                yield f"L{i}.{name}", p

    def to_sequential(self) -> Sequential:
        """The same network as ``Sequential(Linear, activation, Dropout, Linear, ...)`` in
        PyTorch's layout, holding this model's own ``Value``s and ``Dropout``s (training
        one trains the other); its names are PyTorch's (``0.weight.3.1``). The last
        ``Linear`` returns a list even for one output.

        >>> m = MLP(2, [3, 1], rng=0)
        >>> seq = m.to_sequential()
        >>> [type(x).__name__ for x in seq], seq[0].weight[1][0] is m.layers[0].neurons[1].w[0]
        (['Linear', 'ReLU', 'Linear'], True)
        >>> seq([1.0, 2.0])[0].data == m([1.0, 2.0]).data
        True
        """
        acts = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}
        items: List[Module] = []
        for i, layer in enumerate(self.layers):
            items.append(Linear.from_values(layer.weight, layer.bias))
            act = layer.neurons[0].activation
            if act in acts:
                items.append(acts[act]())
            if i < len(self.dropouts):
                items.append(self.dropouts[i])
        return Sequential(*items)

    def named_buffers(self) -> Iterator[Tuple[str, float]]:
        return iter(())  # Layers and Dropouts hold none

    def architecture(self) -> Dict[str, Any]:
        """``{"type": "MLP", "nin", "nouts", "activations"}`` (dropout and init are not shape)."""
        return {"type": "MLP", "nin": len(self.layers[0].neurons[0].w),
                "nouts": [len(layer.neurons) for layer in self.layers],
                "activations": [layer.neurons[0].activation for layer in self.layers]}

    def __repr__(self) -> str:
        sizes = [len(layer.neurons) for layer in self.layers]
        acts = [layer.neurons[0].activation for layer in self.layers]
        drop = f", dropout={self.dropout}" if self.dropout else ""
        return f"MLP({len(self.layers[0].neurons[0].w)}, {sizes}, activations={acts}{drop})"


def _per_layer(name: str, value: Any, n: int, default: List[Any]) -> List[Any]:
    """One name for every layer (``default``) or a list of ``n`` names, checked."""
    if isinstance(value, str):
        return default
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"MLP: {name} must be a name or a list of names, "
                        f"got {type(value).__name__}")
    if len(value) != n:
        raise ValueError(f"MLP: {n} layers but {len(value)} {name}s")
    return list(value)


def _stds(inits: List[Any], std: Optional[float]) -> List[Optional[float]]:
    """``std`` for the layers initialised with ``"normal"`` (checked), None for the others."""
    for init in inits:
        check_init(init, std if init == "normal" else None, "MLP")
    if std is not None and "normal" not in inits:
        check_init(inits[0], std, "MLP")  # raises: std is for init="normal" only
    return [std if init == "normal" else None for init in inits]


class Dropout(Module):
    """Inverted dropout: in training mode zero each input with probability ``p`` and scale
    the others by ``1 / (1 - p)``; in evaluation mode pass inputs through unchanged.

    A dropped input becomes a fresh ``Value(0.0)``, so no gradient flows back through it.
    The masks are drawn from ``rng``: ``None`` is Python's global ``random`` (shared, not
    copied), an int seeds a generator of the layer's own, a ``random.Random`` is used as is.

    >>> d = Dropout(0.5, rng=0)
    >>> [v.data for v in d([Value(1.0), Value(2.0), Value(3.0), Value(4.0)])]
    [2.0, 4.0, 0.0, 0.0]
    >>> [v.data for v in d.eval()([Value(1.0), Value(2.0)])]
    [1.0, 2.0]
    """

    def __init__(self, p: float = 0.5, rng: RngLike = None) -> None:
        self.p = probability(p, "Dropout", "p", allow_one=False)
        self.rng = make_rng(rng, "Dropout")

    def __call__(self, x: Input) -> List[Value]:
        if type(x) is not list and type(x) is not tuple:
            x = as_list(x, "Dropout", "x")
        if x and type(x[0]) is not Value and is_batch(x):
            return [self(r) for r in x]  # type: ignore[arg-type, misc]
        if not isinstance(x, Sequence) or isinstance(x, (str, bytes)) or not all(
                isinstance(v, Value) or (is_real(v) and is_finite(v)) for v in x):
            raise TypeError(f"Dropout: x must be a list of Values or numbers, got {x!r:.60}")
        if not self.training or self.p == 0.0:
            return list(x)  # type: ignore[arg-type]
        p, rand = self.p, self.rng.random
        keep = 1.0 / (1.0 - p)
        return [Value(0.0) if rand() < p else v * keep for v in x]  # type: ignore[misc]

    @property
    def random_in_training(self) -> bool:
        """True when training mode draws random masks (``p > 0``): compiled code cannot
        repeat them, so compiled mode refuses the module while it is training."""
        return self.p > 0.0

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"

