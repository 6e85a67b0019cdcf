"""tinygrad_scalar.data.bundled: iris, wine, diabetes and CSV files in their format."""

from __future__ import annotations

import collections
import math
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from data_helpers import column_stats, mean

from tinygrad_scalar import data
from tinygrad_scalar.data import (
    Dataset,
    load_csv,
    load_dataset,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
)

DATA_DIR = Path(data.__file__).resolve().parent
PACKAGE_DIR = DATA_DIR.parent
REPO_DIR = PACKAGE_DIR.parent


def test_iris_shape_classes_and_first_row():
    iris = load_iris()
    assert isinstance(iris, Dataset)
    assert len(iris.X) == 150 and all(len(r) == 4 for r in iris.X)
    assert collections.Counter(iris.y) == {0: 50, 1: 50, 2: 50}
    assert iris.target_names == ("setosa", "versicolor", "virginica")
    assert iris.feature_names[0] == "sepal length (cm)"
    assert iris.X[0] == [5.1, 3.5, 1.4, 0.2] and iris.y[0] == 0
    assert iris.X[-1] == [5.9, 3.0, 5.1, 1.8] and iris.y[-1] == 2
    means, _ = column_stats(iris.X)
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
    assert mean(diabetes.y) == pytest.approx(152.13348416289594)
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


def test_digits_match_scikit_learn():
    digits = load_digits()
    assert len(digits.X) == 1797 and all(len(r) == 64 for r in digits.X)
    assert digits.target_names == tuple("0123456789")
    assert digits.feature_names[0] == "pixel_0_0" and digits.feature_names[-1] == "pixel_7_7"
    # First image of scikit-learn's load_digits(): a zero.
    assert digits.X[0][:16] == [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0]
    assert digits.y[0] == 0 and digits.y[-1] == 8
    assert {v for row in digits.X for v in row} == set(map(float, range(17)))
    assert math.fsum(map(math.fsum, digits.X)) == 561718.0  # scikit-learn: digits.data.sum()
    scaled = load_digits(scaled=True)
    assert scaled.X[0][2] == 5 / 16 and scaled.y == digits.y
    with pytest.raises(TypeError, match="scaled must be a bool"):
        load_digits(scaled="yes")


def test_load_dataset_dispatch_and_errors():
    assert load_dataset("iris") == load_iris()
    assert load_dataset(" WINE ") == load_wine()
    assert load_dataset("diabetes") == load_diabetes()
    assert load_dataset("digits") == load_digits()
    with pytest.raises(ValueError, match=r"'mnist'.*'diabetes', 'digits', 'iris', 'wine'"):
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
    assert "datasets/*.csv" in setup_cfg and "datasets/*.csv.gz" in setup_cfg
    assert "datasets/*.md" in setup_cfg and "datasets/*.txt.gz" in setup_cfg
    names = sorted(p.name for p in (DATA_DIR / "datasets").iterdir())
    assert names == ["README.md", "diabetes.csv", "digits.csv.gz", "iris.csv", "names.txt.gz",
                     "wine.csv"]


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
