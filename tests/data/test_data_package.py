"""tinygrad_scalar.data as a package: its exports, its doctests, what it may import."""

from __future__ import annotations

import ast
import doctest
import importlib
from pathlib import Path

import tinygrad_scalar.data as data

DATA_DIR = Path(data.__file__).resolve().parent

#: the names the package has always exported
EXPORTS = [
    "Dataset", "Standardizer", "batches", "load_csv", "load_dataset", "load_diabetes",
    "load_digits", "load_image_folder", "load_iris", "load_names", "load_wine", "make_blobs",
    "make_circles", "make_moons", "make_shapes", "make_spiral", "make_xor", "one_hot",
    "standardize", "train_test_split",
]  # fmt: skip


def test_package_exports_every_name_it_always_did():
    assert sorted(data.__all__) == sorted(EXPORTS)
    namespace: dict = {}
    exec("from tinygrad_scalar.data import *", namespace)
    for name in EXPORTS:
        assert namespace[name] is getattr(data, name)
        assert getattr(data, name).__doc__, f"{name} has no docstring"


def test_every_module_has_its_test_file():
    modules = sorted(p.stem for p in DATA_DIR.glob("*.py") if p.stem != "__init__")
    here = Path(__file__).resolve().parent
    for stem in modules:
        assert (here / f"test_data_{stem}.py").is_file(), f"data/{stem}.py has no test file"


def test_module_doctests_pass():
    attempted = 0
    for path in sorted(DATA_DIR.glob("*.py")):
        name = "tinygrad_scalar.data" + ("" if path.stem == "__init__" else f".{path.stem}")
        module = importlib.import_module(name)
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0
        attempted += result.attempted
    assert attempted > 10


def _lazy_imports(tree: ast.AST) -> set:
    """The import nodes that sit inside a function body (run only when it is called)."""
    return {id(node) for fn in ast.walk(tree)
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
            for node in ast.walk(fn) if isinstance(node, (ast.Import, ast.ImportFrom))}


def test_data_module_imports_only_the_standard_library_and_core_checks():
    imported = set()
    for path in DATA_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lazy = _lazy_imports(tree)
        for node in ast.walk(tree):
            if id(node) in lazy and isinstance(node, ast.ImportFrom) and node.module == "PIL":
                assert path.stem == "images", f"{path.name} imports Pillow"
                continue  # Pillow, the optional extra, only inside load_image_folder
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level == 2:  # the package's one argument-checking module, a leaf
                    assert node.module == "core.checks", f"{path.name} imports ..{node.module}"
                else:
                    assert node.level <= 1, f"{path.name} must not import other wings"
                if node.level == 0:
                    imported.add(node.module.split(".")[0])
    allowed = {"__future__", "collections", "csv", "gzip", "importlib", "io", "math"}
    allowed |= {"numbers", "os", "random", "typing", "warnings"}
    assert imported <= allowed
