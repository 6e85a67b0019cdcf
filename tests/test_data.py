"""Tests for tinygrad_scalar.data: generators, bundled data sets, splits, batches."""

from __future__ import annotations

import ast
import collections
import doctest
import math
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tinygrad_scalar import data
from tinygrad_scalar.data import (
    Dataset,
    Standardizer,
    batches,
    load_csv,
    load_dataset,
    load_diabetes,
    load_iris,
    load_wine,
    make_blobs,
    make_circles,
    make_moons,
    make_spiral,
    make_xor,
    one_hot,
    standardize,
    train_test_split,
)

DATA_DIR = Path(data.__file__).resolve().parent
PACKAGE_DIR = DATA_DIR.parent
REPO_DIR = PACKAGE_DIR.parent

TWO_CLASS = [make_moons, make_circles, make_xor]
ALL_GENERATORS = [make_moons, make_circles, make_blobs, make_spiral, make_xor]


def _mean(values):
    values = list(values)
    return math.fsum(values) / len(values)


def _column_stats(X):
    columns = list(zip(*X))
    means = [_mean(c) for c in columns]
    stds = [
        math.sqrt(math.fsum((v - m) ** 2 for v in c) / len(c))
        for c, m in zip(columns, means)
    ]
    return means, stds


def test_module_doctests_pass():
    import importlib
    attempted = 0
    for path in sorted(DATA_DIR.glob("*.py")):
        module = importlib.import_module(f"tinygrad_scalar.data.{path.stem}")
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0
        attempted += result.attempted
    assert attempted > 10


def test_data_module_imports_only_the_standard_library_and_core_checks():
    imported = set()
    for path in DATA_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level == 2:  # the package's one argument-checking module, a leaf
                    assert node.module == "core.checks", f"{path.name} imports ..{node.module}"
                else:
                    assert node.level <= 1, f"{path.name} must not import other wings"
                if node.level == 0:
                    imported.add(node.module.split(".")[0])
    allowed = {"__future__", "collections", "csv", "importlib", "io", "math"}
    allowed |= {"numbers", "os", "random", "typing"}
    assert imported <= allowed


# --------------------------------------------------------------------------------------
# generators
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("gen", ALL_GENERATORS)
def test_generators_shapes_and_types(gen):
    X, y = gen(n=37)
    assert len(X) == len(y) == 37
    assert all(len(row) == 2 for row in X)
    assert all(type(v) is float for row in X for v in row)
    assert all(type(label) is int for label in y)


@pytest.mark.parametrize("gen", TWO_CLASS)
def test_two_class_generators_balanced_labels(gen):
    _, y = gen(n=101)
    counts = collections.Counter(y)
    assert set(counts) == {0, 1}
    assert abs(counts[0] - counts[1]) <= 1


@pytest.mark.parametrize("gen", [make_blobs, make_spiral])
def test_k_class_generators_split_n_evenly(gen):
    _, y = gen(n=14, k=4)
    assert collections.Counter(y) == {0: 4, 1: 4, 2: 3, 3: 3}


@pytest.mark.parametrize("gen", ALL_GENERATORS)
def test_generators_deterministic_and_seed_sensitive(gen):
    assert gen(n=50, rng=7) == gen(n=50, rng=7)
    assert gen(n=50, rng=7) == gen(n=50, rng=random.Random(7))
    assert gen(n=50, rng=7)[0] != gen(n=50, rng=8)[0]


@pytest.mark.parametrize("gen", ALL_GENERATORS)
def test_generators_advance_a_shared_random_and_leave_global_state(gen):
    state = random.getstate()
    shared = random.Random(3)
    first = gen(n=20, rng=shared)
    second = gen(n=20, rng=shared)
    assert first != second
    assert random.getstate() == state


@pytest.mark.parametrize("gen", ALL_GENERATORS)
def test_generators_shuffle_rows(gen):
    _, y = gen(n=60, noise=0.0, rng=0)
    # Not grouped by class: some label change happens before the last class block.
    changes = sum(1 for i in range(1, len(y)) if y[i] != y[i - 1])
    assert changes > len(set(y))


def test_moons_geometry_without_noise():
    X, y = make_moons(n=41, noise=0.0, rng=5)
    assert y.count(0) == 20 and y.count(1) == 21
    for (a, b), label in zip(X, y):
        if label == 0:  # upper half of the unit circle
            assert math.isclose(a * a + b * b, 1.0)
            assert b >= -1e-12
        else:  # lower half circle centred at (1, 0.5)
            assert math.isclose((a - 1.0) ** 2 + (b - 0.5) ** 2, 1.0)
            assert b <= 0.5 + 1e-12
    ends = {(round(a, 9) + 0.0, round(b, 9) + 0.0) for a, b in X}
    assert {(1.0, 0.0), (-1.0, 0.0), (0.0, 0.5), (2.0, 0.5)} <= ends


def test_moons_noise_changes_spread_and_class_means_differ():
    X, y = make_moons(n=400, noise=0.1, rng=1)
    mean0 = [_mean(r[i] for r, c in zip(X, y) if c == 0) for i in range(2)]
    mean1 = [_mean(r[i] for r, c in zip(X, y) if c == 1) for i in range(2)]
    # Noise-free class means: (0, 2/pi) and (1, 0.5 - 2/pi).
    assert mean0[0] == pytest.approx(0.0, abs=0.05)
    assert mean1[0] == pytest.approx(1.0, abs=0.05)
    assert mean0[1] == pytest.approx(2 / math.pi, abs=0.05)
    assert mean1[1] == pytest.approx(0.5 - 2 / math.pi, abs=0.05)
    radial = [abs(math.hypot(a, b) - 1.0) for (a, b), c in zip(X, y) if c == 0]
    assert 0.03 < _mean(radial) < 0.15


def test_circles_radii():
    X, y = make_circles(n=50, noise=0.0, factor=0.3, rng=2)
    for row, label in zip(X, y):
        assert math.isclose(math.hypot(*row), 1.0 if label == 0 else 0.3)


def test_circles_factor_zero_collapses_inner_circle():
    X, y = make_circles(n=10, noise=0.0, factor=0.0)
    assert all(row == [0.0, 0.0] for row, label in zip(X, y) if label == 1)


def test_blobs_random_centers_and_spread():
    X, y = make_blobs(n=600, k=3, noise=0.5, rng=4)
    for label in range(3):
        rows = [r for r, c in zip(X, y) if c == label]
        means, stds = _column_stats(rows)
        assert all(-11.5 < m < 11.5 for m in means)
        assert all(s == pytest.approx(0.5, rel=0.2) for s in stds)


def test_blobs_given_centers():
    centers = [[0.0, 0.0, 0.0], [10.0, -10.0, 5.0]]
    X, y = make_blobs(n=400, noise=0.2, rng=1, centers=centers)
    assert all(len(r) == 3 for r in X)
    for label, center in enumerate(centers):
        means, _ = _column_stats([r for r, c in zip(X, y) if c == label])
        assert means == pytest.approx(center, abs=0.1)
    assert make_blobs(n=4, k=2, noise=0.0, centers=centers)[1].count(1) == 2


def test_spiral_geometry_without_noise():
    X, y = make_spiral(n=60, k=3, noise=0.0, rng=3)
    for (a, b), label in zip(X, y):
        r = math.hypot(a, b)
        assert r <= 1.0 + 1e-12
        if r > 1e-9:  # angle t = 4 * label + 4 * r, measured as atan2(x, y)
            diff = math.atan2(a, b) - (4.0 * label + 4.0 * r)
            assert math.isclose(math.cos(diff), 1.0, abs_tol=1e-9)


def test_xor_labels_follow_quadrants():
    X, y = make_xor(n=200, noise=0.0, rng=9)
    assert all(0 < abs(v) <= 1.0 for row in X for v in row)
    for (a, b), label in zip(X, y):
        assert label == int((a > 0) != (b > 0))
    quadrants = collections.Counter((a > 0, b > 0) for a, b in X)
    assert sorted(quadrants.values()) == [50, 50, 50, 50]


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: make_moons(n=0), ValueError, r"make_moons: n must be an int >= 2, got 0"),
        (lambda: make_moons(n=2.5), TypeError, r"make_moons: n must be an int.*2\.5"),
        (lambda: make_moons(n=True), TypeError, r"n must be an int, got True"),
        (lambda: make_moons(noise=-0.1), ValueError, r"noise must be >= 0.*-0\.1"),
        (lambda: make_xor(noise=math.nan), ValueError, r"make_xor: noise.*nan"),
        (lambda: make_xor(noise="0.1"), TypeError, r"make_xor: noise must be a number, got '0\.1' \(str\)"),
        (lambda: make_moons(rng="seed"), TypeError, r"rng must be.*'seed'"),
        (lambda: make_moons(rng=1.5), TypeError, r"rng must be.*1\.5"),
        (lambda: make_circles(factor=1.0), ValueError, r"factor must be in.*1\.0"),
        (lambda: make_spiral(k=1), ValueError, r"make_spiral: k must be an int >= 2, got 1"),
        (lambda: make_spiral(n=2, k=3), ValueError, r"make_spiral: n must be an int >= 3, got 2"),
        (lambda: make_blobs(k=1), ValueError, r"make_blobs: k must be an int >= 2, got 1"),
        (
            lambda: make_blobs(k=3, centers=[[0, 0], [1, 1]]),
            ValueError,
            r"k=3 does not match the 2 centers",
        ),
        (
            lambda: make_blobs(centers=[[0, 0], [1]]),
            ValueError,
            r"centers\[1\] has length 1, expected 2",
        ),
        (
            lambda: make_blobs(centers=[[0, 0], [1, math.inf]]),
            ValueError,
            r"centers\[1\]\[1\] must be finite",
        ),
        (lambda: make_blobs(centers=[[0, 0]]), ValueError, r"at least 2 points"),
    ],
)
def test_generator_argument_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# --------------------------------------------------------------------------------------
# bundled data sets
# --------------------------------------------------------------------------------------


def test_iris_shape_classes_and_first_row():
    iris = load_iris()
    assert isinstance(iris, Dataset)
    assert len(iris.X) == 150 and all(len(r) == 4 for r in iris.X)
    assert collections.Counter(iris.y) == {0: 50, 1: 50, 2: 50}
    assert iris.target_names == ("setosa", "versicolor", "virginica")
    assert iris.feature_names[0] == "sepal length (cm)"
    assert iris.X[0] == [5.1, 3.5, 1.4, 0.2] and iris.y[0] == 0
    assert iris.X[-1] == [5.9, 3.0, 5.1, 1.8] and iris.y[-1] == 2
    means, _ = _column_stats(iris.X)
    # Published summary statistics: 5.84, 3.05, 3.76, 1.20.
    assert means == pytest.approx([5.843, 3.057, 3.758, 1.199], abs=1e-3)
    assert "Fisher" in iris.description


def test_wine_shape_and_classes():
    wine = load_wine()
    assert len(wine.X) == 178 and all(len(r) == 13 for r in wine.X)
    assert collections.Counter(wine.y) == {0: 59, 1: 71, 2: 48}
    assert len(wine.feature_names) == 13 and wine.feature_names[-1] == "proline"
    assert wine.X[0][0] == 14.23 and wine.X[0][-1] == 1065.0
    assert "Forina" in wine.description


def test_diabetes_raw():
    diabetes = load_diabetes()
    assert len(diabetes.X) == 442 and all(len(r) == 10 for r in diabetes.X)
    assert diabetes.feature_names == (
        "age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6",
    )  # fmt: skip
    assert diabetes.target_names == ()
    assert all(type(t) is float for t in diabetes.y)
    assert diabetes.y[:3] == [151.0, 75.0, 141.0]
    assert min(diabetes.y) == 25.0 and max(diabetes.y) == 346.0
    assert _mean(diabetes.y) == pytest.approx(152.13348416289594)
    assert {r[1] for r in diabetes.X} == {1.0, 2.0}
    assert "Efron" in diabetes.description


def test_diabetes_scaled_matches_scikit_learn_values():
    X = load_diabetes(scaled=True).X
    # First row of scikit-learn's load_diabetes().data (scaled=True, its default).
    expected = [
        0.038075906433423026, 0.05068011873981862, 0.061696206518683294,
        0.0218723855140367, -0.04422349842444599, -0.03482076283769895,
        -0.04340084565202491, -0.002592261998183278, 0.019907486170462722,
        -0.01764612515980379,
    ]  # fmt: skip
    assert X[0] == pytest.approx(expected, rel=1e-12, abs=1e-15)
    for column in zip(*X):
        assert math.fsum(column) == pytest.approx(0.0, abs=1e-12)
        assert math.fsum(v * v for v in column) == pytest.approx(1.0)


def test_load_dataset_dispatch_and_errors():
    assert load_dataset("iris") == load_iris()
    assert load_dataset(" WINE ") == load_wine()
    assert load_dataset("diabetes") == load_diabetes()
    with pytest.raises(ValueError, match=r"'mnist'.*'diabetes', 'iris', 'wine'"):
        load_dataset("mnist")
    with pytest.raises(TypeError, match=r"name must be a str, got 3"):
        load_dataset(3)


def test_loaders_return_fresh_lists():
    first = load_iris()
    first.X[0][0] = -1.0
    first.y[0] = 99
    again = load_iris()
    assert again.X[0][0] == 5.1 and again.y[0] == 0


def test_bundled_files_are_declared_as_package_data():
    setup_cfg = (REPO_DIR / "setup.cfg").read_text(encoding="utf-8")
    assert "datasets/*.csv" in setup_cfg and "datasets/*.md" in setup_cfg
    names = sorted(p.name for p in (DATA_DIR / "datasets").iterdir())
    assert names == ["README.md", "diabetes.csv", "iris.csv", "wine.csv"]


def test_loading_from_a_zipped_install(tmp_path):
    """Loaders read through importlib.resources, not the source checkout."""
    archive = tmp_path / "site.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in PACKAGE_DIR.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".so":
                zf.write(path, path.relative_to(REPO_DIR).as_posix())
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from tinygrad_scalar import data; "
        "assert '.zip' in data.__file__, data.__file__; "
        "d = [data.load_dataset(n) for n in ('iris', 'wine', 'diabetes')]; "
        "print([(len(x.X), len(x.X[0])) for x in d])"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", code, str(archive)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[(150, 4), (178, 13), (442, 10)]"


# --------------------------------------------------------------------------------------
# load_csv
# --------------------------------------------------------------------------------------


def _write(tmp_path, text, name="d.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_csv_reads_the_bundled_format(tmp_path):
    path = _write(tmp_path, "a,b,label\n1,2.5,1\n\n-3,4e1,0\n")
    ds = load_csv(path, target_names=["no", "yes"], description="tiny")
    assert ds == Dataset(
        [[1.0, 2.5], [-3.0, 40.0]], [1, 0], ("a", "b"), ("no", "yes"), "tiny"
    )
    reg = load_csv(path, regression=True)
    assert reg.y == [1.0, 0.0] and reg.target_names == ()


@pytest.mark.parametrize(
    "text, match",
    [
        ("a,b,target\n1,2,0\n1,2\n", r"d\.csv: line 3: expected 3 fields, got 2"),
        (
            "a,b,target\n1,2,0\n1,x,1\n",
            r"d\.csv: line 3: column 'b': not a number: 'x'",
        ),
        ("a,target\n1,0\nnan,1\n", r"d\.csv: line 3: column 'a': not a finite number"),
        ("a,target\n1,0\n2,0.5\n", r"d\.csv: line 3: target must be a class index"),
        ("a,target\n1,-1\n", r"d\.csv: line 2: target must be a class index.*'-1'"),
        ("target\n1\n", r"d\.csv: line 1: the header must name at least one feature"),
        ("", r"d\.csv: the file is empty"),
        ("a,target\n\n", r"d\.csv: the file has a header but no data rows"),
    ],
)
def test_load_csv_malformed_files_name_file_and_line(tmp_path, text, match):
    path = _write(tmp_path, text)
    with pytest.raises(ValueError, match=match):
        load_csv(path)


def test_load_csv_target_names_must_cover_labels(tmp_path):
    path = _write(tmp_path, "a,target\n1,0\n2,2\n")
    with pytest.raises(ValueError, match=r"label 2 has no name in target_names"):
        load_csv(path, target_names=["x", "y"])


# --------------------------------------------------------------------------------------
# train_test_split
# --------------------------------------------------------------------------------------


def _rows(n):
    return [[float(i), float(-i)] for i in range(n)]


def test_split_sizes_partition_and_alignment():
    X = _rows(20)
    y = list(range(20))
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, rng=1)
    assert (len(X_tr), len(X_te)) == (15, 5)
    assert sorted(y_tr + y_te) == y
    assert all(row[0] == label for row, label in zip(X_tr + X_te, y_tr + y_te))
    assert len(train_test_split(X, y, test_size=0.33)[1]) == 7  # ceil(6.6)
    assert len(train_test_split(X, y, test_size=3)[1]) == 3


def test_split_is_seeded_and_copies_rows():
    X, y = _rows(30), [i % 2 for i in range(30)]
    assert train_test_split(X, y, rng=5) == train_test_split(X, y, rng=5)
    assert train_test_split(X, y, rng=5) != train_test_split(X, y, rng=6)
    X_tr = train_test_split(X, y, rng=5)[0]
    X_tr[0][0] = 1e9
    assert all(row[0] != 1e9 for row in X)


def test_split_stratified_keeps_proportions():
    y = [0] * 60 + [1] * 30 + [2] * 10
    X = [[float(i)] for i in range(100)]
    for seed in range(5):
        _, _, y_tr, y_te = train_test_split(
            X, y, test_size=0.2, rng=seed, stratify=True
        )
        assert collections.Counter(y_te) == {0: 12, 1: 6, 2: 2}
        assert collections.Counter(y_tr) == {0: 48, 1: 24, 2: 8}


def test_split_stratified_rounding_sums_to_test_size():
    iris = load_iris()
    _, X_te, _, y_te = train_test_split(iris.X, iris.y, test_size=0.3, stratify=True)
    assert len(X_te) == 45
    assert collections.Counter(y_te) == {0: 15, 1: 15, 2: 15}
    y = [0] * 7 + [1] * 5 + [2] * 3
    _, _, _, y_te = train_test_split(_rows(15), y, test_size=4, stratify=True)
    counts = collections.Counter(y_te)
    assert sum(counts.values()) == 4
    for label, total in ((0, 7), (1, 5), (2, 3)):
        assert abs(counts[label] - 4 * total / 15) < 1


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"X": _rows(3), "y": [0, 1]}, ValueError, r"len\(X\)=3 and len\(y\)=2"),
        ({"X": [], "y": []}, ValueError, r"X and y are empty"),
        ({"X": _rows(1), "y": [0]}, ValueError, r"at least 2 rows.*got 1"),
        (
            {"X": _rows(4), "y": [0] * 4, "test_size": 0.0},
            ValueError,
            r"test_size=0\.0",
        ),
        (
            {"X": _rows(4), "y": [0] * 4, "test_size": 1.0},
            ValueError,
            r"test_size=1\.0",
        ),
        ({"X": _rows(4), "y": [0] * 4, "test_size": 4}, ValueError, r"between 1 and 3"),
        ({"X": _rows(4), "y": [0] * 4, "test_size": 0}, ValueError, r"between 1 and 3"),
        ({"X": _rows(4), "y": [0] * 4, "test_size": 0.9}, ValueError, r"empty part"),
        ({"X": _rows(4), "y": [0] * 4, "test_size": "1"}, TypeError, r"test_size must"),
        (
            {"X": _rows(4), "y": [0, 0, 0, 1], "stratify": True},
            ValueError,
            r"class 1 has only 1 row",
        ),
    ],
)
def test_split_errors(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        train_test_split(**kwargs)


# --------------------------------------------------------------------------------------
# standardisation, batches, one-hot
# --------------------------------------------------------------------------------------


def test_standardizer_train_mean_zero_std_one_and_test_uses_train_stats():
    X, y = make_blobs(n=90, noise=2.0, rng=1)
    X_tr, X_te, _, _ = train_test_split(X, y, rng=2)
    scaler = Standardizer().fit(X_tr)
    means, stds = _column_stats(scaler.transform(X_tr))
    assert means == pytest.approx([0.0, 0.0], abs=1e-12)
    assert stds == pytest.approx([1.0, 1.0])
    raw_means, raw_stds = _column_stats(X_tr)
    assert scaler.mean == pytest.approx(raw_means)
    expected = [[(v - m) / s for v, m, s in zip(r, raw_means, raw_stds)] for r in X_te]
    got = scaler.transform(X_te)
    assert len(got) == len(expected)
    assert all(a == pytest.approx(b) for a, b in zip(got, expected))
    back = scaler.inverse_transform(scaler.transform(X_te))
    assert all(a == pytest.approx(b) for a, b in zip(back, X_te))


def test_standardizer_constant_column_is_centred_not_divided_by_zero():
    X = [[1.0, 0.1], [2.0, 0.1], [3.0, 0.1]]
    out = Standardizer().fit_transform(X)
    assert [r[1] for r in out] == [0.0, 0.0, 0.0]
    assert all(math.isfinite(v) for r in out for v in r)


def test_standardize_function():
    X_tr, X_te = standardize([[0.0, 10.0], [2.0, 30.0]], [[1.0, 50.0]])
    assert X_tr == [[-1.0, -1.0], [1.0, 1.0]] and X_te == [[0.0, 3.0]]
    assert standardize([[0.0], [2.0]]) == [[-1.0], [1.0]]


def test_standardizer_errors():
    with pytest.raises(ValueError, match=r"call fit\(\) before transform"):
        Standardizer().transform([[1.0]])
    scaler = Standardizer().fit([[1.0, 2.0]])
    with pytest.raises(ValueError, match=r"X\[0\] has 3 columns, expected 2"):
        scaler.transform([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match=r"Standardizer.fit: X is empty"):
        Standardizer().fit([])
    with pytest.raises(ValueError, match=r"X\[1\] has 1 columns, expected 2"):
        Standardizer().fit([[1.0, 2.0], [3.0]])
    with pytest.raises(TypeError, match=r"X\[0\]\[1\] must be a number, got 'a'"):
        Standardizer().fit([[1.0, "a"]])


def test_batches_cover_every_row_once_with_partial_last_batch():
    X, y = _rows(23), list(range(23))
    got = list(batches(X, y, 5, rng=3))
    assert [len(yb) for _, yb in got] == [5, 5, 5, 5, 3]
    seen = [label for _, yb in got for label in yb]
    assert sorted(seen) == y and seen != y
    assert all(row[0] == label for xb, yb in got for row, label in zip(xb, yb))


def test_batches_seeding_and_shuffle_false():
    X, y = _rows(10), list(range(10))

    def order(**kw):
        return [label for _, yb in batches(X, y, 4, **kw) for label in yb]

    assert order(rng=1) == order(rng=1)
    assert order(rng=1) != order(rng=2)
    shared = random.Random(1)
    assert order(rng=shared) != order(rng=shared)  # new order each epoch
    assert order(shuffle=False) == y
    assert len(list(batches(X, y, 100))) == 1


def test_batches_errors_raise_at_call():
    with pytest.raises(ValueError, match=r"batches: .*len\(X\)=3 and len\(y\)=4"):
        batches(_rows(3), [0] * 4, 2)
    with pytest.raises(ValueError, match=r"batches: batch_size must be an int >= 1, got 0"):
        batches(_rows(3), [0] * 3, 0)
    with pytest.raises(TypeError, match=r"batch_size must be an int, got 2\.0"):
        batches(_rows(3), [0] * 3, 2.0)
    with pytest.raises(TypeError, match=r"batches: rng must be"):
        batches(_rows(3), [0] * 3, 2, rng="x", shuffle=False)


def test_one_hot():
    assert one_hot([1, 0], k=3) == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    assert one_hot([2, 0]) == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    with pytest.raises(ValueError, match=r"y\[1\]=3 is out of range for k=3"):
        one_hot([0, 3], k=3)
    with pytest.raises(ValueError, match=r"one_hot: y\[0\] must be an int >= 0, got -1"):
        one_hot([-1])
    with pytest.raises(TypeError, match=r"y\[0\] must be an int, got 1\.0"):
        one_hot([1.0])
    with pytest.raises(ValueError, match=r"y is empty and k is not given"):
        one_hot([])


# --------------------------------------------------------------------------------------
# the rng contract (core/checks.make_rng): None is the global generator, an int a seed,
# a random.Random is used as is
# --------------------------------------------------------------------------------------

#: every function of data that draws random numbers, called with a given ``rng``
RANDOM_CALLS = {
    **{gen.__name__: (lambda rng, gen=gen: gen(n=20, rng=rng)) for gen in ALL_GENERATORS},
    "train_test_split": lambda rng: train_test_split(_rows(20), list(range(20)), rng=rng),
    "train_test_split(stratify=True)": lambda rng: train_test_split(
        _rows(20), [i % 2 for i in range(20)], rng=rng, stratify=True
    ),
    "batches": lambda rng: list(batches(_rows(20), list(range(20)), 3, rng=rng)),
}


@pytest.fixture
def global_random_state():
    """Restore Python's global generator after a test that reseeds it."""
    state = random.getstate()
    yield
    random.setstate(state)


@pytest.mark.parametrize("name", RANDOM_CALLS)
def test_rng_none_draws_from_the_global_generator(name, global_random_state):
    call = RANDOM_CALLS[name]
    random.seed(1337)
    first = call(None)
    random.seed(1337)
    assert call(None) == first  # seeding random reproduces a script
    # The global generator seeded with 1337 is Random(1337): same draws, same state after.
    mirror = random.Random(1337)
    random.seed(1337)
    assert call(None) == call(mirror)
    assert random.getstate() == mirror.getstate()
    assert call(None) != call(None)  # not a fixed seed: the global state moves on


@pytest.mark.parametrize("name", RANDOM_CALLS)
def test_rng_int_is_a_seed_and_leaves_the_global_generator_alone(name):
    call = RANDOM_CALLS[name]
    state = random.getstate()
    assert call(11) == call(11) == call(random.Random(11))
    assert call(11) != call(12)
    assert random.getstate() == state


@pytest.mark.parametrize("name", RANDOM_CALLS)
def test_rng_random_is_used_as_is(name):
    call = RANDOM_CALLS[name]
    shared, twin = random.Random(5), random.Random(5)
    assert call(shared) == call(twin)
    assert shared.getstate() == twin.getstate()  # both advanced by the same draws
    assert shared.getstate() != random.Random(5).getstate()
    assert call(shared) != call(random.Random(5))  # the second call continues the stream


@pytest.mark.parametrize("name", RANDOM_CALLS)
@pytest.mark.parametrize("bad", [True, False, "1", 1.5, b"1", [1]])
def test_rng_of_the_wrong_type_is_refused(name, bad):
    fn = name.split("(")[0]
    with pytest.raises(TypeError, match=rf"{fn}: rng must be None, an int seed or a random\.Random"):
        RANDOM_CALLS[name](bad)
