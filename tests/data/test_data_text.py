"""``load_names``: the 1990 US Census first names, as documented in datasets/README.md."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from tinygrad_scalar.data import load_names

FILE = Path(__file__).resolve().parents[2] / "tinygrad_scalar" / "data" / "datasets" / "names.txt.gz"


def test_names_are_the_documented_list():
    names = load_names()
    assert len(names) == len(set(names)) == 5163
    assert names[:5] == ["mary", "patricia", "linda", "barbara", "elizabeth"]
    assert names.index("john") == 818 and names[-1] == "alonso"  # male names after female ones
    assert all(n.isascii() and n.isalpha() and n.islower() and 2 <= len(n) <= 11 for n in names)


def test_the_file_is_the_one_the_readme_names():
    digest = hashlib.sha256(FILE.read_bytes()).hexdigest()
    readme = (FILE.parent / "README.md").read_text(encoding="utf-8")
    assert digest in readme
    assert gzip.decompress(FILE.read_bytes()).decode("ascii").split() == load_names()


def test_each_call_gives_a_fresh_list():
    first = load_names()
    first[0] = "zzz"
    assert load_names()[0] == "mary"
