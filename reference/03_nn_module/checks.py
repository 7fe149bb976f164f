"""What `pytorch-tutor check 03` establishes. Known mistakes: mistakes/*.py.

TwoLayerNet probes build the learner's net, give it weights that depend only on parameter
shapes (`fill_parameters`), so attribute names and containers don't matter, run it forward
and backward, and return the output, the input gradient and the parameter gradients.
count_parameters probes build test models from the code that describes them and pass them
to the learner's function; they use Tanh, not ReLU, so that none of them is a TwoLayerNet.
"""

import torch
from torch import nn

from grader.kit import Check, backpropagate, fill_parameters, grads_by_shape

HINTS = {
    "TwoLayerNet": [
        "A model is a class that inherits from `nn.Module`: `__init__` creates the layers, `forward` uses them.",
        "Useful pieces: `super().__init__()`, `nn.Linear(in_features, out_features)`, `torch.relu` (or `nn.ReLU()`).",
        "In `__init__`, call `super().__init__()` before assigning `self.fc1 = nn.Linear(in_features, hidden)` and "
        "`self.fc2 = nn.Linear(hidden, out_features)`.",
        "Nearly there: `forward` returns `self.fc2(torch.relu(self.fc1(x)))`.",
    ],
    "count_parameters": [
        "Add up how many numbers the trainable parameters hold.",
        "`model.parameters()` yields each parameter once; `p.requires_grad` says whether it is trained, "
        "`p.numel()` how many numbers it holds.",
        "Nearly there: `return sum(p.numel() for p in model.parameters() if p.requires_grad)`.",
    ],
}


def _x(seed: int, batch: int, features: int) -> torch.Tensor:
    return torch.randn(batch, features, generator=torch.Generator().manual_seed(seed)) * 2


def _sizes(g: torch.Generator) -> tuple:
    return tuple(int(n) for n in torch.randint(1, 9, (3,), generator=g))


def _random_forward(g: torch.Generator) -> tuple:
    i, h, o = _sizes(g)
    o = o if o != h else h % 8 + 1  # hidden != out_features, as in every case: see _probe_forward
    batch = int(torch.randint(1, 7, (1,), generator=g))
    return i, h, o, torch.randn(batch, i, generator=g) * 2


def _probe_layers(ns, i, h, o):
    net = ns.TwoLayerNet(i, h, o)
    # nn.Module's own parameters(): what it finds is what an optimizer would train (and a class that is
    # not an nn.Module fails here, however it imitates one)
    return {"parameter shapes": str(sorted(list(p.shape) for p in nn.Module.parameters(net)))}


def _probe_forward(ns, i, h, o, x):
    """With hidden != out_features no two parameters share a shape, so `fill_parameters` gives each
    the same weights however the learner named, held or ordered the layers."""
    net = ns.TwoLayerNet(i, h, o)
    fill_parameters(net)
    out = nn.Module.__call__(net, x.requires_grad_(True))  # net(x) as nn.Module runs it: through `forward`
    backpropagate(out)
    return {"output": out, "input gradient": x.grad, "parameter gradients": grads_by_shape(net)}


def _random_count(g: torch.Generator) -> tuple:
    """nn.Sequential(Linear, Tanh, Linear, ...), some Linear layers frozen, as the code that builds it."""
    n = int(torch.randint(3, 6, (1,), generator=g))
    sizes = torch.randint(1, 10, (n,), generator=g).tolist()
    frozen = [torch.rand(1, generator=g).item() < 0.4 for _ in range(n - 1)]
    layers = [f"nn.Linear({a}, {b})" + ".requires_grad_(False)" * f for a, b, f in zip(sizes, sizes[1:], frozen)]
    return (f"nn.Sequential({', nn.Tanh(), '.join(layers)})",)


CHECKS = [
    Check(
        "TwoLayerNet's layers",
        target="TwoLayerNet",
        args=[(3, 4, 2), (1, 1, 1), (10, 1, 3), (2, 7, 5)],
        random=_sizes,
        probe=_probe_layers,
        describe=lambda i, h, o: f"TwoLayerNet({i}, {h}, {o}), then looked at its parameters",
        hint="After `super().__init__()`, assign `nn.Linear(in_features, hidden)` and "
        "`nn.Linear(hidden, out_features)` to attributes of `self`: a weight of shape (hidden, in_features), "
        "one of (out_features, hidden), and two biases.",
        hints={"raised": "Making the net or reading `net.parameters()` failed (the traceback shows where): "
               "TwoLayerNet must subclass `nn.Module` and call `super().__init__()` before it assigns any layer."},
    ),
    Check(
        "TwoLayerNet forward and gradients",
        target="TwoLayerNet",
        args=[(3, 4, 2, _x(1, 5, 3)), (1, 2, 1, _x(2, 1, 1)), (4, 1, 3, _x(3, 6, 4)), (2, 8, 5, _x(4, 1, 2))],
        random=_random_forward,
        probe=_probe_forward,
        describe=lambda i, h, o, x: f"net = TwoLayerNet({i}, {h}, {o}) with fixed weights; out = net(x) for x of shape "
        f"{tuple(x.shape)} with requires_grad=True; then (out * w).sum().backward() for a fixed w",
        hint="`forward` should return `fc2(relu(fc1(x)))`, built from tensor operations only, so autograd can "
        "follow every step back to `x` and to every parameter.",
        hints={
            "output.values": "Right shape, wrong numbers: `forward` is the first layer, then ReLU, then the second "
            "layer, with nothing after it.",
            "input gradient": "No gradient reached `x`: every step of `forward` must stay in the autograd graph "
            "(no `.detach()`, `.data`, `torch.tensor(h)` or NumPy in between).",
            "parameter gradients": "Some parameter got no gradient or the wrong one: `forward` must use the layers "
            "registered in `__init__`, each once, in order.",
        },
        depends_on=["TwoLayerNet's layers"],
    ),
    Check(
        "count_parameters",
        target="count_parameters",
        args=[  # each test model as the code that builds it, which is also how the learner sees it
            ("nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))",),
            ("nn.Sequential(shared := nn.Linear(5, 5), nn.Tanh(), shared)",),
            ("nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))",),  # BatchNorm also holds buffers
            ("nn.Sequential(nn.Linear(3, 4).requires_grad_(False), nn.Tanh(), nn.Linear(4, 2))",),
            ("nn.ReLU()",),
            ("nn.Sequential(nn.Linear(6, 8).requires_grad_(False), nn.Tanh(), nn.Linear(8, 8).requires_grad_(False), "
             "nn.Tanh(), nn.Linear(8, 1).requires_grad_(False))",),
        ],
        random=_random_count,
        probe=lambda ns, model: ns.count_parameters(eval(model, {"nn": nn})),
        describe=lambda model: f"count_parameters({model})",
        hint="Add up `p.numel()` over `model.parameters()`, keeping only those with `p.requires_grad`, "
        "and return an int.",
    ),
]
