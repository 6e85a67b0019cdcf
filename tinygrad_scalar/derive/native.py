"""The native backend: build generated C with the system compiler and load it with ctypes.

The compiler is ``$TINYGRAD_SCALAR_CC`` when set (set it to an empty string to have
none), else ``$CC``, else the first of ``cc``, ``gcc``, ``clang`` on the ``PATH``; it runs
without a shell, source on its standard input. Libraries are cached in
``$XDG_CACHE_HOME/tinygrad_scalar`` (or ``~/.cache/tinygrad_scalar``, created with mode
0700), named by a hash of the source, the flags and the compiler's identity, and written
to a temporary file first and then renamed: a process never loads a half-written file.

>>> from tinygrad_scalar.derive.native import compiler
>>> compiler() is None or isinstance(compiler(), str)
True
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from array import array
from typing import Any, Callable, Dict, List, Optional, Tuple

from ..core import graph
from ..core.value import Value
from .cgen import c_source
from .sample import SampleProgram

__all__ = ["NativeError", "compiler", "cache_folder", "build", "NativeBatch", "FLAGS"]

#: -Og, measured on the digits network (64-32-10, gcc 12, one sample's 5,000 statements):
#: compile 1.7 s of CPU against 0.5 s at -O0, 4.4 s at -O1 and 12 s at -O2, and a batch
#: loop as fast as -O1 (about 2x -O0). -ffp-contract=off keeps a*b+c two roundings, as in
#: Python, so the numbers are the Python backend's.
FLAGS = ("-Og", "-shared", "-fPIC", "-ffp-contract=off", "-fno-fast-math", "-std=gnu99")
ENV = "TINYGRAD_SCALAR_CC"


class NativeError(RuntimeError):
    """The native backend cannot run this program (no compiler, or an operation without
    a C form, or the compiler failed); the Python backend can."""


_identity: Dict[str, str] = {}


def compiler() -> Optional[str]:
    """The path of the C compiler the native backend uses, or None when there is none."""
    chosen = os.environ.get(ENV)
    names = [chosen] if chosen is not None else [os.environ.get("CC", ""), "cc", "gcc", "clang"]
    for name in names:
        if name:
            path = shutil.which(name)
            if path is not None:
                return path
    return None


def _identify(cc: str) -> str:
    """The compiler's path and ``--version`` text (part of each library's hash)."""
    if cc not in _identity:
        try:
            done = subprocess.run([cc, "--version"], capture_output=True, timeout=30,
                                  check=False)
            _identity[cc] = os.path.realpath(cc) + "\n" + done.stdout.decode(errors="replace")
        except (OSError, subprocess.SubprocessError) as e:
            raise NativeError(f"the C compiler {cc} does not run: {e}") from None
    return _identity[cc]


def cache_folder() -> str:
    """The folder of compiled libraries (made, mode 0700, when missing)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "tinygrad_scalar")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    return folder


def build(source: str) -> str:
    """The path of the shared library for ``source``: from the cache, or compiled now."""
    cc = compiler()
    if cc is None:
        raise NativeError("no C compiler found (looked for $TINYGRAD_SCALAR_CC, $CC, cc, gcc, "
                          "clang)")
    key = hashlib.sha256("\0".join([source, *FLAGS, _identify(cc)]).encode()).hexdigest()
    folder = cache_folder()
    path = os.path.join(folder, f"kernel-{key[:40]}.so")
    if os.path.exists(path):
        return path
    fd, tmp = tempfile.mkstemp(prefix=".building-", suffix=".so", dir=folder)
    os.close(fd)
    try:
        done = subprocess.run([cc, *FLAGS, "-x", "c", "-", "-o", tmp, "-lm"],
                              input=source.encode(), capture_output=True, timeout=300,
                              check=False)
        if done.returncode != 0:
            raise NativeError(f"the C compiler {cc} failed: "
                              f"{done.stderr.decode(errors='replace')[:500]}")
        os.replace(tmp, path)  # atomic: others see the whole file or none
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


_VOID, _LONG, _DOUBLE, _INT = ctypes.c_void_p, ctypes.c_long, ctypes.c_double, ctypes.c_int


def _load(path: str) -> Any:
    lib = ctypes.CDLL(path)
    batch: List[Any] = [_LONG] + [_VOID] * 6 + [_DOUBLE, _DOUBLE, _VOID]
    lib.ts_batch.argtypes = batch
    lib.ts_sgd.argtypes = [_LONG, _VOID, _VOID, _VOID, _DOUBLE, _DOUBLE, _DOUBLE, _INT,
                           _DOUBLE, _INT, _INT]
    rmsprop: List[Any] = [_LONG, _VOID, _VOID, _VOID, _VOID] + [_DOUBLE] * 5 + [_INT]
    lib.ts_rmsprop.argtypes = rmsprop
    adam: List[Any] = [_LONG] + [_VOID] * 4 + [_DOUBLE] * 9 + [_INT]
    lib.ts_adam.argtypes = adam
    for name in ("ts_batch", "ts_sgd", "ts_rmsprop", "ts_adam"):
        getattr(lib, name).restype = _INT
    return lib


def address(a: array[Any]) -> int:
    """Where the numbers of ``a`` start (``a`` must not be resized while C uses it)."""
    return a.buffer_info()[0]


class NativeBatch:
    """``prog`` compiled to C: parameters, gradients and outputs in flat ``array('d')``
    buffers; ``run(idx, X, T, seed, l2)`` runs the rows ``idx`` of the flat data ``X``
    (inputs) and ``T`` (target numbers) and returns ``(sum of the terms, sum of P[i]**2,
    sum of the gradients)``, the gradients in ``G`` and the outputs in ``O``.
    """

    def __init__(self, prog: SampleProgram, max_rows: int) -> None:
        try:
            source = c_source(prog)
        except TypeError as e:  # SymbolError: an operation without a C form
            raise NativeError(str(e)) from None
        self.source = source
        self.lib = _load(build(source))
        self.params: List[Value] = list(prog.params)  # the order write_sample names them
        self.k = len(prog.outputs)
        n = len(self.params)
        self.P = array("d", [p.data for p in self.params])
        self.G = array("d", bytes(8 * n))
        self.O = array("d", bytes(8 * max(1, max_rows) * self.k))
        self.out = array("d", [0.0, 0.0, 0.0])

    def run(self, idx: array[Any], X: array[Any], T: array[Any], seed: float, l2: float
            ) -> Tuple[float, float, float]:
        self.lib.ts_batch(len(idx), address(idx), address(X), address(T), address(self.P),
                          address(self.G), address(self.O), seed, l2, address(self.out))
        return self.out[0], self.out[1], self.out[2]


BACKENDS = ("auto", "c", "python")


def _backend(backend: Any) -> str:
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise ValueError(f"compile: backend must be one of {', '.join(map(repr, BACKENDS))}, "
                         f"got {backend!r:.40}")
    return backend


_said: set[Any] = set()


def flat_runner(root: Value, leaves: List[Value], params: List[Value], backend: str
                ) -> Optional[Callable[[List[float], List[float]], Tuple[float, List[float]]]]:
    """``run(inputs, parameter values) -> (output, gradients)`` in C for a traced graph
    (``compile``'s trace); None where C cannot run it and ``backend`` is "auto" (said once
    on stderr), ``NativeError`` for "c"."""
    given = set(leaves)
    order = [n for n in graph.topological_order(root, graph.parents)
             if n._fn is None and not n.is_constant and n not in given]
    try:
        kernel = NativeBatch(SampleProgram(root, list(leaves), [root], len(leaves), 0, order), 1)
    except NativeError as e:
        if backend == "c":
            raise
        if str(e) not in _said:
            _said.add(str(e))
            print(f"compile: running in Python ({e})", file=sys.stderr)
        return None
    where = {id(p): i for i, p in enumerate(order)}
    perm = [where[id(p)] for p in params]  # compile's order -> the kernel's
    X, T, idx = array("d", bytes(8 * len(leaves))), array("d"), array("l", [0])
    P = kernel.P

    def run(flat: List[float], values: List[float]) -> Tuple[float, List[float]]:
        X[:] = array("d", flat)
        for i, v in zip(perm, values):
            P[i] = v
        total = kernel.run(idx, X, T, 1.0, 0.0)[0]
        G = kernel.G
        return total, [G[i] for i in perm]

    return run
