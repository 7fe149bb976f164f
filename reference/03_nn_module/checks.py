"""What `pytorch-tutor check 03` establishes, and the known mistakes it recognises.

TwoLayerNet probes build the learner's net, give it weights that depend only on parameter
shapes (`fill_parameters`), so attribute names and containers don't matter, run it forward
and backward, and return the output, the input gradient and the parameter gradients.
count_parameters probes build small test models here and pass them to the learner's function.
"""

import torch
from torch import nn

from grader.kit import Check, Mistake, fill_parameters, grads_by_shape, parameter_shapes

HINTS = [
    "A model is a class that inherits from `nn.Module`: `__init__` creates the layers, `forward` uses them. "
    "count_parameters adds up how many numbers the trainable parameters hold.",
    "Useful pieces: `super().__init__()`, `nn.Linear(in_features, out_features)`, `torch.relu` (or `nn.ReLU()`), "
    "`model.parameters()`, `p.requires_grad` and `p.numel()`.",
    "In `__init__`, call `super().__init__()` before assigning `self.fc1 = nn.Linear(in_features, hidden)` and "
    "`self.fc2 = nn.Linear(hidden, out_features)`. Return a Python int from count_parameters.",
    "Nearly there: `forward` returns `self.fc2(torch.relu(self.fc1(x)))`; count_parameters returns "
    "`sum(p.numel() for p in model.parameters() if p.requires_grad)`.",
]


# ---- TwoLayerNet -----------------------------------------------------------------------------------


def _x(seed: int, batch: int, features: int) -> torch.Tensor:
    return torch.randn(batch, features, generator=torch.Generator().manual_seed(seed)) * 2


def _sizes(g: torch.Generator) -> tuple:
    return tuple(int(n) for n in torch.randint(1, 9, (3,), generator=g))


def _random_forward(g: torch.Generator) -> tuple:
    i, h, o = _sizes(g)
    batch = int(torch.randint(1, 7, (1,), generator=g))
    return i, h, o, torch.randn(batch, i, generator=g) * 2


def _probe_structure(ns, i, h, o):
    model = ns.TwoLayerNet(i, h, o)
    is_module = isinstance(model, nn.Module)
    shapes = str([tuple(s) for s in parameter_shapes(model)]) if is_module else None  # one readable string
    return {"is an nn.Module": is_module, "parameter shapes": shapes}


def _probe_forward(ns, i, h, o, x):
    model = ns.TwoLayerNet(i, h, o)
    is_module = isinstance(model, nn.Module)
    if is_module:
        fill_parameters(model)
    x.requires_grad_(True)
    out = model(x)
    result = {"output": out, "input gradient": None, "parameter gradients": None}
    if isinstance(out, torch.Tensor) and out.shape == (len(x), o) and out.requires_grad:
        w = torch.randn(out.shape, generator=torch.Generator().manual_seed(0))
        (out * w).sum().backward()
        result["input gradient"] = x.grad
        result["parameter gradients"] = grads_by_shape(model) if is_module else None
    return result


# ---- count_parameters: test models described by (kind, sizes, frozen Linear layers) ---------------


def _count_model(kind: str, sizes: list, frozen: list) -> nn.Module:
    if kind == "relu":
        return nn.ReLU()
    if kind == "tied":
        shared = nn.Linear(sizes[0], sizes[0])
        return nn.Sequential(shared, nn.ReLU(), shared)
    if kind == "batchnorm":
        return nn.Sequential(nn.Linear(sizes[0], sizes[1]), nn.BatchNorm1d(sizes[1]))
    linears = [nn.Linear(a, b) for a, b in zip(sizes, sizes[1:])]
    for i in frozen:
        linears[i].requires_grad_(False)
    layers = [linears[0]]
    for layer in linears[1:]:
        layers += [nn.ReLU(), layer]
    return nn.Sequential(*layers)


def _count_text(kind: str, sizes: list, frozen: list) -> str:
    if kind == "relu":
        return "count_parameters(nn.ReLU()), a module without parameters"
    if kind == "tied":
        n = sizes[0]
        return f"count_parameters(nn.Sequential(shared, nn.ReLU(), shared)), with shared = nn.Linear({n}, {n})"
    if kind == "batchnorm":
        a, b = sizes
        model = f"nn.Sequential(nn.Linear({a}, {b}), nn.BatchNorm1d({b}))"
        return f"count_parameters({model}), whose BatchNorm also holds buffers"
    layers = ", nn.ReLU(), ".join(f"nn.Linear({a}, {b})" for a, b in zip(sizes, sizes[1:]))
    text = f"count_parameters(nn.Sequential({layers}))"
    frozen_text = ", ".join(f"model[{2 * i}]" for i in frozen)  # Sequential positions of those Linear layers
    return text + (f", with {frozen_text} frozen by requires_grad_(False)" if frozen else "")


def _random_count(g: torch.Generator) -> tuple:
    n = int(torch.randint(3, 6, (1,), generator=g))
    sizes = torch.randint(1, 10, (n,), generator=g).tolist()
    frozen = [i for i in range(n - 1) if torch.rand(1, generator=g).item() < 0.4]
    return "mlp", sizes, frozen


CHECKS = [
    Check(
        "TwoLayerNet's layers",
        target="TwoLayerNet",
        args=[(3, 4, 2), (1, 1, 1), (10, 1, 3), (2, 7, 5)],
        random=_sizes,
        probe=_probe_structure,
        describe=lambda i, h, o: f"TwoLayerNet({i}, {h}, {o}), then looked at its parameters",
        hint="After `super().__init__()`, assign `nn.Linear(in_features, hidden)` and "
        "`nn.Linear(hidden, out_features)` to attributes of `self`: a weight of shape (hidden, in_features), "
        "one of (out_features, hidden), and two biases.",
    ),
    Check(
        "TwoLayerNet forward and gradients",
        target="TwoLayerNet",
        args=[(3, 4, 2, _x(1, 5, 3)), (1, 1, 1, _x(2, 1, 1)), (4, 1, 3, _x(3, 6, 4)), (2, 8, 5, _x(4, 1, 2))],
        random=_random_forward,
        probe=_probe_forward,
        describe=lambda i, h, o, x: f"net = TwoLayerNet({i}, {h}, {o}) with fixed weights; out = net(x) for x of shape "
        f"{tuple(x.shape)} with requires_grad=True; then (out * w).sum().backward() for a fixed w",
        hint="`forward` should return `fc2(relu(fc1(x)))`, built from tensor operations only, so autograd can "
        "follow every step back to `x` and to every parameter.",
    ),
    Check(
        "count_parameters",
        target="count_parameters",
        args=[
            ("mlp", [3, 4, 2], []),
            ("tied", [5], []),
            ("batchnorm", [3, 4], []),
            ("mlp", [3, 4, 2], [0]),
            ("relu", [], []),
            ("mlp", [6, 8, 8, 1], [0, 1, 2]),
        ],
        random=_random_count,
        probe=lambda ns, *case: ns.count_parameters(_count_model(*case)),
        describe=_count_text,
        hint="Add up `p.numel()` over `model.parameters()`, keeping only those with `p.requires_grad`, "
        "and return an int.",
    ),
]


# ---- known mistakes ---------------------------------------------------------------------------------


class _Net(nn.Module):
    """The reference net; the variants below each change one thing."""

    def __init__(self, i, h, o):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(i, h), nn.Linear(h, o)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class _NoSuperInit(_Net):
    def __init__(self, i, h, o):
        self.fc1, self.fc2 = nn.Linear(i, h), nn.Linear(h, o)


class _PlainList(_Net):
    def __init__(self, i, h, o):
        nn.Module.__init__(self)
        self.layers = [nn.Linear(i, h), nn.Linear(h, o)]

    def forward(self, x):
        return self.layers[1](torch.relu(self.layers[0](x)))


class _Swapped(_Net):
    def __init__(self, i, h, o):
        super().__init__(i, o, h)


def _net_with(forward) -> type:
    return type("TwoLayerNet", (_Net,), {"forward": forward})


MISTAKES = [
    Mistake(
        "no_super_init",
        "Call `super().__init__()` first thing in `__init__`: it sets up the registries where nn.Module keeps "
        "layers and parameters, and assigning a layer to `self` before that fails.",
        {"TwoLayerNet": _NoSuperInit},
    ),
    Mistake(
        "layers_not_registered",
        "nn.Module only finds layers assigned directly to `self` in `__init__` (`self.fc1 = nn.Linear(...)`) or held "
        "in `nn.Sequential` / `nn.ModuleList`. A plain Python list, or layers made inside `forward`, hide them: "
        "`model.parameters()` misses their weights and an optimizer would never train them.",
        {"TwoLayerNet": _PlainList},
    ),
    Mistake(
        "hidden_out_swapped",
        "`nn.Linear(a, b)` maps a features to b: the first layer is `nn.Linear(in_features, hidden)`, the second "
        "`nn.Linear(hidden, out_features)`, so the output has `out_features` columns.",
        {"TwoLayerNet": _Swapped},
    ),
    Mistake(
        "no_relu",
        "Put a ReLU between the two layers: without a nonlinearity, two `nn.Linear` layers compose into a single "
        "linear map. `forward` is `fc2(relu(fc1(x)))`.",
        {"TwoLayerNet": _net_with(lambda self, x: self.fc2(self.fc1(x)))},
    ),
    Mistake(
        "relu_after_output",
        "Apply ReLU only between the layers, not after the last one: the output layer's values (scores, "
        "regression targets) may be negative, and a final ReLU clips them to 0.",
        {"TwoLayerNet": _net_with(lambda self, x: torch.relu(self.fc2(torch.relu(self.fc1(x)))))},
    ),
    Mistake(
        "sigmoid_activation",
        "The activation between the layers is ReLU (`torch.relu` or `nn.ReLU()`, max(x, 0)), not the sigmoid.",
        {"TwoLayerNet": _net_with(lambda self, x: self.fc2(torch.sigmoid(self.fc1(x))))},
    ),
    Mistake(
        "hidden_detached",
        "Keep every step of `forward` in the autograd graph: `.detach()`, `.data`, `torch.tensor(h)` or a trip "
        "through NumPy cut it, so `backward()` never reaches the first layer or the input and they get no gradient.",
        {"TwoLayerNet": _net_with(lambda self, x: self.fc2(torch.relu(self.fc1(x)).detach()))},
    ),
    Mistake(
        "counts_frozen",
        "Count only trainable parameters: a frozen parameter has `requires_grad == False` and is never updated. "
        "Keep `p` only `if p.requires_grad`.",
        {"count_parameters": lambda model: sum(p.numel() for p in model.parameters())},
    ),
    Mistake(
        "counts_tensors",
        "`len(list(model.parameters()))` counts parameter tensors (a weight, a bias, ...); count the numbers they "
        "hold instead: `p.numel()` is the number of elements of one tensor.",
        {"count_parameters": lambda model: len(list(model.parameters()))},
    ),
    Mistake(
        "counts_state_dict",
        "`state_dict()` is not the list of parameters: it also holds buffers (BatchNorm's running statistics), "
        "repeats a shared layer under each of its names, and ignores `requires_grad`. Iterate `model.parameters()`.",
        {"count_parameters": lambda model: sum(t.numel() for t in model.state_dict().values())},
    ),
    Mistake(
        "returns_tensor",
        "Return a Python int, not a tensor: `p.numel()` already is an int, so `sum(p.numel() for p in ...)` is one "
        "(or call `.item()` on a one-element tensor).",
        {"count_parameters": lambda model: torch.tensor([p.numel() for p in model.parameters()]).sum()},
    ),
]
