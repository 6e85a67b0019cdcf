"""``Module``: the base of every model, shaped like PyTorch's.

Attributes of a module that are ``Value``s, modules, or lists or tuples of them are
registered when they are assigned, in assignment order (as ``torch.nn.Module`` does), so a
model of your own needs no more than its ``__init__`` and its ``__call__``:

>>> from tinygrad_scalar import Value
>>> from tinygrad_scalar.nn import Layer, Neuron
>>> class Net(Module):
...     def __init__(self):
...         self.w = Value(0.5)
...         self.layer = Layer(2, 3, rng=0)
...         self.blocks = [Neuron(3, rng=1), Neuron(3, rng=2)]
...     def __call__(self, x):
...         h = self.layer([v * self.w for v in x])
...         return sum(b(h) for b in self.blocks)
>>> net = Net()
>>> [name for name, _ in net.named_parameters()][:5]
['w', 'layer.N0.w0', 'layer.N0.w1', 'layer.N0.b', 'layer.N1.w0']
>>> len(net.parameters()), [name for name, _ in net.named_modules()][:4]
(18, ['', 'layer', 'layer.N0', 'layer.N1'])

A list is read when the parameters are asked for, so appending to it later counts; items
of a list that are neither ``Value``s nor modules are skipped. A ``Value`` reachable
under two names is listed once, under the first.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, NamedTuple, Set, Tuple

from ..core.checks import is_finite, is_real
from ..core.value import Value

__all__ = ["Module", "IncompatibleKeys"]

_ORDER = "_registered_names"  # the instance attribute holding registered names, in order


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict`` did not match: names the model has that the state lacks
    (``missing_keys``) and names of the state the model does not have (``unexpected_keys``)."""

    missing_keys: List[str]
    unexpected_keys: List[str]

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"  # as PyTorch shows it
        return (f"IncompatibleKeys(missing_keys={self.missing_keys!r}, "
                f"unexpected_keys={self.unexpected_keys!r})")


def _registrable(value: object) -> bool:
    if isinstance(value, (Value, Module)):
        return True
    return isinstance(value, (list, tuple)) and all(
        isinstance(v, (Value, Module)) for v in value)


def _show(names: List[str]) -> str:
    return f"{names[:5]}{'...' if len(names) > 5 else ''}"


class Module:
    """Base class: anything with parameters.

    ``Value``s, modules and lists or tuples of them assigned as attributes are registered
    in assignment order; ``named_parameters`` and ``named_children`` read them (a
    subclass may override both to name its parts its own way, as ``MLP`` does).
    """

    training: bool = True
    #: True for a module that must see a whole batch (a list of rows) at once, as
    #: ``BatchNorm1d`` and ``Sequential`` do; ``fit`` then calls it once per mini-batch
    takes_batches: bool = False

    def __setattr__(self, name: str, value: Any) -> None:
        order = self.__dict__.get(_ORDER)
        if order is None:
            order = []
            object.__setattr__(self, _ORDER, order)
        if name.startswith("_") or not _registrable(value):
            if name in order:
                order.remove(name)
        elif name not in order:  # a new name goes last; a reassigned one keeps its place
            order.append(name)
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        order = self.__dict__.get(_ORDER)
        if order and name in order:
            order.remove(name)
        object.__delattr__(self, name)

    def _registered(self) -> Iterator[Tuple[str, Any]]:
        """``(name, Value or module)`` for every registered attribute, lists unrolled."""
        for name in list(self.__dict__.get(_ORDER, ())):
            value = self.__dict__.get(name)
            if isinstance(value, (Value, Module)):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    if isinstance(item, (Value, Module)):
                        yield f"{name}.{i}", item

    def named_parameters(self) -> Iterator[Tuple[str, Value]]:
        """Yield ``(name, parameter)`` pairs in a fixed order (each parameter once)."""
        seen: Set[int] = set()
        for name, value in self._registered():
            pairs = ([(name, value)] if isinstance(value, Value) else
                     ((f"{name}.{n}", p) for n, p in value.named_parameters()))
            for n, p in pairs:
                if id(p) not in seen:
                    seen.add(id(p))
                    yield n, p

    def parameters(self) -> List[Value]:
        """Every trainable ``Value`` of the module, in a fixed order (``[]`` if none)."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to zero."""
        for p in self.parameters():
            p.grad = 0.0

    def named_children(self) -> Iterator[Tuple[str, Module]]:
        """Yield ``(name, sub-module)`` for the direct sub-modules, in order."""
        for name, value in self._registered():
            if isinstance(value, Module):
                yield name, value

    def children(self) -> List[Module]:
        """The direct sub-modules, in order (used by ``train`` and ``eval``)."""
        return [m for _, m in self.named_children()]

    def named_modules(self, prefix: str = "") -> Iterator[Tuple[str, Module]]:
        """Yield ``(name, module)`` for this module (named ``prefix``, ``""`` by default)
        and then every sub-module depth-first, each once.

        >>> from tinygrad_scalar.nn import MLP
        >>> [name for name, _ in MLP(2, [2, 1], rng=0).named_modules()]
        ['', 'L0', 'L0.N0', 'L0.N1', 'L1', 'L1.N0']
        """
        if not isinstance(prefix, str):
            raise TypeError(f"named_modules: prefix must be a str, got {type(prefix).__name__}")
        seen: Set[int] = set()
        stack: List[Tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, m = stack.pop()
            if id(m) in seen:
                continue
            seen.add(id(m))
            yield name, m
            kids = [(f"{name}.{n}" if name else n, c) for n, c in m.named_children()]
            stack.extend(reversed(kids))

    def modules(self) -> List[Module]:
        """This module and then every sub-module, depth-first, each once."""
        return [m for _, m in self.named_modules()]

    def train(self, mode: bool = True) -> Module:
        """Switch to training mode (or to evaluation mode with ``mode=False``)."""
        self.training = bool(mode)
        for c in self.children():
            c.train(mode)
        return self

    def eval(self) -> Module:
        """Switch to evaluation mode."""
        return self.train(False)

    def architecture(self) -> Dict[str, Any]:
        """A JSON-ready description of the model's shape (saved with checkpoints).

        Two models whose ``architecture()`` are equal can exchange ``state_dict()``.
        """
        return {"type": type(self).__name__,
                "parameters": [name for name, _ in self.named_parameters()]}

    # -------------------------------------------------------------- buffers
    def _own_buffers(self) -> Dict[str, float]:
        """This module's own buffers (state that is not trained, such as a running mean),
        by local name; none by default."""
        return {}

    def _check_buffer(self, name: str, value: Any) -> float:
        """``value`` checked for the buffer ``name`` (``ValueError`` if it cannot be one)."""
        raise ValueError(f"{type(self).__name__} has no buffer {name!r}")

    def _set_buffer(self, name: str, value: float) -> None:
        """Write a checked buffer value."""
        raise ValueError(f"{type(self).__name__} has no buffer {name!r}")

    def named_buffers(self) -> Iterator[Tuple[str, float]]:
        """Yield ``(name, value)`` for every buffer of the module tree (running statistics
        of batch normalisation...), named as ``state_dict`` names them.

        >>> from tinygrad_scalar.nn import BatchNorm1d, Sequential
        >>> [name for name, _ in Sequential(BatchNorm1d(1)).named_buffers()]
        ['0.running_mean.0', '0.running_var.0', '0.num_batches_tracked']
        """
        for prefix, m in self.named_modules():
            for name, value in m._own_buffers().items():
                yield (f"{prefix}.{name}" if prefix else name), value

    def _buffer_owners(self) -> Dict[str, Tuple[Module, str]]:
        return {(f"{prefix}.{name}" if prefix else name): (m, name)
                for prefix, m in self.named_modules() for name in m._own_buffers()}

    def state_dict(self) -> Dict[str, float]:
        """Parameter values by name, as plain floats (JSON-ready), then the buffers (see
        ``named_buffers``).

        >>> from tinygrad_scalar.nn import Neuron
        >>> sorted(Neuron(2, rng=0).state_dict())
        ['b', 'w0', 'w1']
        """
        state = {name: p.data for name, p in self.named_parameters()}
        state.update(self.named_buffers())
        return state

    def load_state_dict(self, state: Dict[str, float], strict: bool = True) -> IncompatibleKeys:
        """Set parameters from ``state`` (names to numbers) and return the names that did
        not match, as ``IncompatibleKeys(missing_keys, unexpected_keys)``.

        ``strict=True`` (the default) refuses any mismatch with a ``ValueError`` naming the
        keys; ``strict=False`` loads the names both sides have. A value that is not a finite
        number is refused either way. When it raises, nothing has changed.

        >>> from tinygrad_scalar.nn import Neuron
        >>> n = Neuron(2, rng=0)
        >>> n.load_state_dict({"w0": 1.0, "bias": 2.0}, strict=False)
        IncompatibleKeys(missing_keys=['w1', 'b'], unexpected_keys=['bias'])
        >>> n.w[0].data
        1.0
        """
        if not isinstance(state, dict):
            raise ValueError(f"load_state_dict: expected a dict, got {type(state).__name__}")
        if not isinstance(strict, bool):
            raise TypeError(f"load_state_dict: strict must be True or False, got {strict!r:.60}")
        params = dict(self.named_parameters())
        buffers = self._buffer_owners()
        missing = [k for k in list(params) + list(buffers) if k not in state]
        extra = [k for k in state if k not in params and k not in buffers]
        if strict and (missing or extra):
            raise ValueError(f"load_state_dict: parameters do not match this model "
                             f"(missing {_show(missing)}, unexpected {_show(extra)}); "
                             f"strict=False loads the names that match")
        for k, v in state.items():
            if k in params and not (is_real(v) and is_finite(v)):
                raise ValueError(f"load_state_dict: parameter {k!r} must be a finite number, "
                                 f"got {v!r:.60}")
        checked = {}
        for k, (m, name) in buffers.items():
            if k in state:
                try:
                    checked[k] = m._check_buffer(name, state[k])
                except (TypeError, ValueError) as e:
                    raise ValueError(f"load_state_dict: buffer {k!r}: {e}") from None
        for k, p in params.items():
            if k in state:
                p.data = float(state[k])
        for k, v in checked.items():
            m, name = buffers[k]
            m._set_buffer(name, v)
        return IncompatibleKeys(missing, extra)

