"""Module registers Values, modules and lists of them as attributes, in order (as PyTorch)."""

import json

import pytest

from tinygrad_scalar import Value
from tinygrad_scalar.nn import MLP, SGD, Adam, Dropout, IncompatibleKeys, Layer, Module, Neuron


class Net(Module):
    def __init__(self):
        self.w = Value(0.5)
        self.layer = Layer(2, 3, rng=0)
        self.blocks = [Neuron(3, rng=1), Neuron(3, rng=2)]
        self.scale = 2.0  # not registered: a plain number
        self.notes = ["a", "b"]  # not registered: not Values

    def __call__(self, x):
        h = self.layer([v * self.w for v in x])
        return sum(b(h) for b in self.blocks) * self.scale


def test_attributes_are_registered_in_assignment_order():
    net = Net()
    expected = [net.w, *net.layer.parameters(), *net.blocks[0].parameters(),
                *net.blocks[1].parameters()]
    assert [id(p) for p in net.parameters()] == [id(p) for p in expected]
    names = [n for n, _ in net.named_parameters()]
    assert names[:5] == ["w", "layer.N0.w0", "layer.N0.w1", "layer.N0.b", "layer.N1.w0"]
    assert "blocks.0.w0" in names and names[-1] == "blocks.1.b"
    assert len(names) == len(set(names)) == 1 + 9 + 8


def test_a_custom_module_trains_and_round_trips_its_state():
    net = Net()
    opt = SGD(net, lr=0.1)
    before = net([1.0, 2.0]).data
    for _ in range(3):
        loss = (net([1.0, 2.0]) - 1.0) ** 2
        net.zero_grad()
        loss.backward()
        opt.step()
    assert net([1.0, 2.0]).data != before
    other = Net()
    other.load_state_dict(json.loads(json.dumps(net.state_dict())))
    assert other([1.0, 2.0]).data == net([1.0, 2.0]).data


def test_built_in_names_are_unchanged():
    names = [n for n, _ in MLP(2, [3, 1], rng=0).named_parameters()]
    assert names[:4] == ["L0.N0.w0", "L0.N0.w1", "L0.N0.b", "L0.N1.w0"] and names[-1] == "L1.N0.b"
    assert [n for n, _ in Neuron(2, rng=0).named_parameters()] == ["w0", "w1", "b"]


def test_modules_and_named_modules_self_first_depth_first():
    net = Net()
    named = list(net.named_modules())
    assert [n for n, _ in named] == ["", "layer", "layer.N0", "layer.N1", "layer.N2",
                                     "blocks.0", "blocks.1"]
    assert named[0][1] is net and net.modules()[1] is net.layer
    assert [n for n, _ in net.named_children()] == ["layer", "blocks.0", "blocks.1"]
    assert net.children() == [net.layer, *net.blocks]
    m = MLP(2, [2, 1], dropout=0.5, rng=0)
    assert [n for n, _ in m.named_modules("net")] == [
        "net", "net.L0", "net.L0.N0", "net.L0.N1", "net.L1", "net.L1.N0", "net.dropouts.0"]


def test_reassigning_deleting_appending_and_sharing():
    class M(Module):
        def __init__(self):
            self.a = Value(1.0)
            self.b = Value(2.0)
            self.items = []

    m = M()
    m.a = Value(3.0)  # reassigned: keeps its place (as in PyTorch)
    assert [n for n, _ in m.named_parameters()] == ["a", "b"]
    m.items.append(Value(4.0))
    m.items.append(Neuron(1, rng=0))
    assert [n for n, _ in m.named_parameters()] == ["a", "b", "items.0", "items.1.w0",
                                                  "items.1.b"]
    del m.b
    m.a = 5.0  # no longer a Value: no longer registered
    assert [n for n, _ in m.named_parameters()] == ["items.0", "items.1.w0", "items.1.b"]
    m.shared = m.items[0]  # one Value, two names: listed once, under the first
    assert len(m.parameters()) == 3


def test_train_and_eval_reach_registered_children():
    class M(Module):
        def __init__(self):
            self.drop = Dropout(0.5, rng=0)
            self.layers = (Layer(1, 1, rng=0),)

    m = M().eval()
    assert not m.drop.training and not m.layers[0].neurons[0].training
    assert m.train().drop.training


def test_no_parameters_is_an_empty_list_and_optimizers_say_why():
    class Empty(Module):
        def __init__(self):
            self.weights = [0.1, 0.2]  # numbers, not Values: a common slip

        def __call__(self, x):
            return x

    assert Empty().parameters() == [] and Module().parameters() == []
    with pytest.raises(ValueError, match="did you store Values or modules as attributes"):
        Adam(Empty(), lr=0.1)


def test_load_state_dict_strict_and_not():
    n = Neuron(2, rng=0)
    before = n.state_dict()
    with pytest.raises(ValueError, match=r"missing \['w1', 'b'\].*unexpected \['bias'\]"):
        n.load_state_dict({"w0": 1.0, "bias": 2.0})
    assert n.state_dict() == before  # strict: nothing changed
    result = n.load_state_dict({"w0": 1.0, "bias": 2.0}, strict=False)
    assert isinstance(result, IncompatibleKeys) and isinstance(result, tuple)
    assert result.missing_keys == ["w1", "b"] and result.unexpected_keys == ["bias"]
    assert n.w[0].data == 1.0 and n.w[1].data == before["w1"]
    assert n.load_state_dict({"w0": 2.0, "w1": 3.0, "b": 4.0}) == IncompatibleKeys([], [])
    with pytest.raises(ValueError, match="finite"):
        n.load_state_dict({"w0": float("nan")}, strict=False)
    assert n.w[0].data == 2.0
    with pytest.raises(TypeError, match="strict"):
        n.load_state_dict({}, strict="no")
