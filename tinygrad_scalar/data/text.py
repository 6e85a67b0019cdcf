"""Text: a bundled list of first names, for character-level models.

``load_names()`` returns 5,163 distinct first names (lower case, ``a``..``z`` only, 2 to 11
letters) from the 1990 US Census first-name lists, female names first, each list in the
order of its frequency rank. The files are public domain (a work of the US government);
``datasets/README.md`` says where the copy comes from.

>>> names = load_names()
>>> len(names), names[:3], names[-1]
(5163, ['mary', 'patricia', 'linda'], 'alonso')
>>> sorted(set("".join(names))) == [chr(c) for c in range(ord("a"), ord("z") + 1)]
True
"""

from __future__ import annotations

import gzip
from importlib import resources
from typing import List

__all__ = ["load_names"]


def load_names() -> List[str]:
    """The 5,163 first names of the 1990 US Census lists, lower case, most frequent first
    within each list (female, then male names not already listed).

    >>> load_names()[1000:1003]
    ['tori', 'octavia', 'jade']
    """
    folder = resources.files(__package__ or "tinygrad_scalar.data") / "datasets"
    text = gzip.decompress((folder / "names.txt.gz").read_bytes()).decode("ascii")
    return text.split()
