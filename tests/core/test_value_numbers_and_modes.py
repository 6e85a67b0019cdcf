"""Leaving the graph refuses clearly (int, round, trunc, floor, ceil, index); grad modes
decorate with or without parentheses."""

import math
import operator
import threading

import pytest

from tinygrad_scalar import Value
from tinygrad_scalar.core import modes
from tinygrad_scalar.core.modes import enable_grad, is_grad_enabled, no_grad


@pytest.mark.parametrize("leave", [int, round, lambda v: round(v, 2), math.trunc, math.floor,
                                   math.ceil, float])
def test_numbers_out_of_a_value_refuse_and_name_item(leave):
    v = Value(2.7, label="v")
    with pytest.raises(TypeError, match=r"v\.item\(\)"):
        leave(v)


def test_a_value_is_never_an_index():
    v = Value(1.0)
    assert not hasattr(v, "__index__")
    with pytest.raises(TypeError):
        operator.index(v)
    with pytest.raises(TypeError):
        [1, 2, 3][v]


def test_format_and_item_still_give_the_number():
    v = Value(2.71828)
    assert f"{v:.2f}" == "2.72" and round(v.item()) == 3 and int(v.data) == 2


def test_bare_no_grad_decorates():
    @no_grad
    def infer(v):
        assert not is_grad_enabled()
        return v * v

    assert infer.__name__ == "infer"
    assert infer(Value(3.0)).is_leaf and infer(Value(3.0)).data == 9.0
    assert not (Value(3.0) * 2).is_leaf and is_grad_enabled()
    assert modes.state() == modes.State() and modes.ACTIVE == 0


def test_bare_enable_grad_decorates_inside_no_grad():
    @enable_grad
    def train_step(v):
        return v * v

    with no_grad():
        assert not train_step(Value(2.0)).is_leaf
        assert (Value(2.0) * 2).is_leaf


def test_all_three_uses_and_errors():
    @no_grad()
    def f(v):
        return v + 1

    m = no_grad()
    with m:
        with m:  # one object entered twice nests
            assert (Value(1.0) * 2).is_leaf
        assert (Value(1.0) * 2).is_leaf
    assert not (Value(1.0) * 2).is_leaf and f(Value(1.0)).is_leaf
    assert repr(no_grad()) == "no_grad()"
    with pytest.raises(TypeError, match="no_grad"):
        no_grad(3)
    with pytest.raises(TypeError, match="enable_grad"):
        enable_grad()(3)


def test_a_decorated_function_raising_restores_the_mode():
    @no_grad
    def boom():
        raise RuntimeError("x")

    with pytest.raises(RuntimeError):
        boom()
    assert is_grad_enabled() and modes.ACTIVE == 0


def test_decorated_mode_is_per_thread():
    seen = []
    inside, done = threading.Event(), threading.Event()

    @no_grad
    def infer():
        inside.set()
        done.wait(5)
        seen.append(is_grad_enabled())

    t = threading.Thread(target=infer)
    t.start()
    inside.wait(5)
    assert not (Value(1.0) * 2).is_leaf  # this thread still records
    done.set()
    t.join()
    assert seen == [False]
