"""The rng contract of tinygrad_scalar.data (``core.checks.make_rng``): ``None`` is Python's
global generator, an int is a seed, a ``random.Random`` is used as is, nothing else goes."""

from __future__ import annotations

import random

import pytest
from data_helpers import rows

from tinygrad_scalar.data import (
    batches,
    make_blobs,
    make_circles,
    make_moons,
    make_spiral,
    make_xor,
    train_test_split,
)

ALL_GENERATORS = [make_moons, make_circles, make_blobs, make_spiral, make_xor]

#: every function of data that draws random numbers, called with a given ``rng``
RANDOM_CALLS = {
    **{gen.__name__: (lambda rng, gen=gen: gen(n=20, rng=rng)) for gen in ALL_GENERATORS},
    "train_test_split": lambda rng: train_test_split(rows(20), list(range(20)), rng=rng),
    "train_test_split(stratify=True)": lambda rng: train_test_split(
        rows(20), [i % 2 for i in range(20)], rng=rng, stratify=True
    ),
    "batches": lambda rng: list(batches(rows(20), list(range(20)), 3, rng=rng)),
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
