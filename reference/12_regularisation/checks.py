"""What `pytorch-tutor check 12` establishes (docs/authoring.md). Known mistakes: mistakes/*.py.

Modes are seen in outputs, never in flags: Dropout runs inside an `nn.Sequential` switched with
`.train()` / `.eval()`, so only a layer that reads `self.training` passes both checks, and its
masks come from the global generator the grader seeds before each case. batch_norm gets the
probe's own buffers and returns them after the call: an update in place shows in their values,
a rebinding does not, and one that joined the autograd graph shows in `requires_grad`.
param_groups is judged by which of the probe's parameters land in which group, and by what one
AdamW step does to each of them.
"""

import torch
from torch import nn

from grader.kit import Check, backpropagate, fill_parameters

HINTS = {
    "Dropout": [
        "Training: zero each element with probability p and scale the rest up so the expected value stays x. "
        "Eval: change nothing. `self.training` tells you which mode the layer is in.",
        "Draw the mask with `torch.rand_like(x) > self.p` (a new one on every call) and multiply by "
        "`1 / (1 - self.p)`; in eval mode, return x. p = 1 must give zeros, not 0 / 0.",
        "Nearly there: `if not self.training: return x`, then "
        "`return x * (torch.rand_like(x) > self.p) * (1 / (1 - self.p) if self.p < 1 else 0.0)`.",
    ],
    "batch_norm": [
        "Training normalises with the batch's own mean and variance per feature (dim 0) and updates the running "
        "statistics; eval normalises with the running statistics and updates nothing.",
        "`x.mean(0)`, `x.var(0, correction=0)` for the normalisation, `x.var(0, correction=1)` for the running "
        "variance; update the buffers in place under `torch.no_grad()`: `running_mean.mul_(1 - momentum).add_(...)`.",
        "Nearly there: in training, `running_mean.mul_(1 - momentum).add_(momentum * mean)` (and the same for "
        "running_var with the unbiased variance) inside `with torch.no_grad():`; then in both modes "
        "`return (x - mean) / torch.sqrt(var + eps) * weight + bias`.",
    ],
    "param_groups": [
        "Weight decay belongs on the weight matrices and kernels, not on biases or normalisation layers. Which "
        "property of a parameter tells them apart?",
        "Weights of Linear and Conv layers have 2 or more dimensions; biases and norm weights have one: `p.ndim`. "
        "Loop over `model.parameters()` and put each parameter in one of two lists.",
        "Nearly there: `return [{\"params\": [p for p in model.parameters() if p.ndim >= 2], \"weight_decay\": "
        "weight_decay}, {\"params\": [p for p in model.parameters() if p.ndim < 2], \"weight_decay\": 0.0}]`.",
    ],
}


def _randn(seed: int, *shape: int, scale: float = 1.0, shift: float = 0.0) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed)) * scale + shift


def _int(g: torch.Generator, low: int, high: int) -> int:
    return int(torch.randint(low, high + 1, (1,), generator=g))


def _uniform(g: torch.Generator, low: float, high: float) -> float:
    return round(low + (high - low) * float(torch.rand(1, generator=g)), 3)


# ---- Dropout --------------------------------------------------------------------------------------


def _not_a_module(keys: list[str]) -> dict:
    return {"Dropout(p) is an nn.Module": False} | {key: None for key in keys}


def _probe_dropout_train(ns, p, x, calls):
    """Dropout(p) inside nn.Sequential(...).train(), called `calls` times on the same x."""
    layer = ns.Dropout(p)
    keys = ["output", "output of a second call"][:calls] + ["gradient of x"]
    if not isinstance(layer, nn.Module):
        return _not_a_module(keys)
    model = nn.Sequential(layer).train()
    leaf = x.detach().clone().requires_grad_(True)
    outs = [model(leaf) for _ in range(calls)]
    backpropagate(outs)
    return {"Dropout(p) is an nn.Module": True, **dict(zip(keys, outs)), "gradient of x": leaf.grad}


def _probe_dropout_eval(ns, p, x):
    """Dropout(p) inside nn.Sequential(...).eval()."""
    layer = ns.Dropout(p)
    if not isinstance(layer, nn.Module):
        return _not_a_module(["output", "gradient of x"])
    model = nn.Sequential(layer).eval()
    leaf = x.detach().clone().requires_grad_(True)
    out = model(leaf)
    backpropagate(out)
    return {"Dropout(p) is an nn.Module": True, "output": out, "gradient of x": leaf.grad}


def _random_dropout(g: torch.Generator) -> tuple:
    shape = [_int(g, 1, 5) for _ in range(_int(g, 1, 3))]
    return _uniform(g, 0.1, 0.8), torch.randn(*shape, generator=g), 2


def _describe_dropout(p, x, calls=None) -> str:
    mode = "eval" if calls is None else "train"
    twice = ", twice" if calls == 2 else ""
    return (f"nn.Sequential(Dropout({p})).{mode}() called on x of shape {tuple(x.shape)}{twice}, "
            "then the output backpropagated with fixed random weights")


_DROPOUT_HINTS = {
    "Dropout(p) is an nn.Module": "Subclass `nn.Module` and call `super().__init__()` first: that is what gives the "
    "layer `self.training`, and what lets `model.train()` and `model.eval()` reach it.",
    "output of a second call": "Dropout draws a new mask on every forward call: call `torch.rand_like(x)` inside "
    "`forward`, not once in `__init__` or on the first call.",
}

_DROPOUT_BUILTINS = ["torch.nn.functional.dropout", "torch.dropout"]  # nn.Dropout calls the first

# ---- batch_norm -----------------------------------------------------------------------------------


def _bn_case(seed: int, n: int, c: int, training: bool, momentum: float = 0.1, eps: float = 1e-5) -> tuple:
    return (
        _randn(seed, n, c, scale=2.0, shift=1.0),
        _randn(seed + 1, c, scale=0.5),
        _randn(seed + 2, c).abs() + 0.5,
        _randn(seed + 3, c, scale=0.5, shift=1.0),
        _randn(seed + 4, c, scale=0.5),
        training,
        momentum,
        eps,
    )


def _random_bn(training: bool):
    def make(g: torch.Generator) -> tuple:
        n, c = _int(g, 2, 8), _int(g, 1, 6)
        x = torch.randn(n, c, generator=g) * _uniform(g, 0.5, 3.0) + _uniform(g, -2.0, 2.0)
        stats = torch.randn(c, generator=g) * 0.5, torch.rand(c, generator=g) + 0.5
        affine = torch.randn(c, generator=g) * 0.5 + 1.0, torch.randn(c, generator=g) * 0.5
        return (x, *stats, *affine, training, _uniform(g, 0.05, 0.5), 1e-5)

    return make


def _probe_bn(ns, x, running_mean, running_var, weight, bias, training, momentum, eps):
    """batch_norm on fresh leaves x, weight, bias; then the probe's own running buffers, as they are now."""
    x, weight, bias = (t.detach().clone().requires_grad_(True) for t in (x, weight, bias))
    out = ns.batch_norm(x, running_mean, running_var, weight, bias, training, momentum, eps)
    backpropagate(out)
    return {
        "output": out,
        "running_mean afterwards": running_mean,
        "running_var afterwards": running_var,
        "gradient of x": x.grad,
        "gradient of weight": weight.grad,
        "gradient of bias": bias.grad,
    }


def _describe_bn(x, running_mean, running_var, weight, bias, training, momentum, eps) -> str:
    n, c = x.shape
    return (f"batch_norm(x of shape ({n}, {c}), running_mean, running_var, weight, bias, training={training}, "
            f"momentum={momentum}, eps={eps:g}), as nn.BatchNorm1d({c}, eps={eps:g}, momentum={momentum})."
            f"{'train' if training else 'eval'}() would; then the output backpropagated with fixed random weights")


_BN_HINTS = {
    "gradient of x": "In training the batch's mean and variance are functions of x, so the gradient flows through "
    "them too: compute them from x itself (no `.detach()`), and detach only for the running statistics' update.",
    "output": "Normalise per feature: `(x - mean) / torch.sqrt(var + eps) * weight + bias`, with the batch's mean "
    "and biased variance (`correction=0`) in training, and the running statistics in eval.",
    "running_mean afterwards.requires_grad": "The running statistics joined the autograd graph: update them inside "
    "`with torch.no_grad():` (or from `mean.detach()`), so they stay plain numbers.",
    "running_var afterwards.requires_grad": "The running statistics joined the autograd graph: update them inside "
    "`with torch.no_grad():` (or from `var.detach()`), so they stay plain numbers.",
    "running_mean afterwards": "In training, `running_mean` becomes `(1 - momentum) * running_mean + momentum * "
    "mean`, in place (`running_mean.mul_(...).add_(...)`); in eval it does not change.",
    "running_var afterwards": "In training, `running_var` becomes `(1 - momentum) * running_var + momentum * "
    "unbiased_var` (divide by N - 1), in place; in eval it does not change.",
}

# ---- param_groups ---------------------------------------------------------------------------------


def _model(kind: str, a: int, b: int) -> nn.Module:
    if kind == "mlp":
        return nn.Sequential(nn.Linear(a, b), nn.BatchNorm1d(b), nn.ReLU(), nn.Linear(b, 3))
    if kind == "cnn":
        return nn.Sequential(nn.Conv2d(1, a, 3), nn.BatchNorm2d(a), nn.ReLU(), nn.Flatten(), nn.Linear(a * 4, b))
    if kind == "norm":
        return nn.Sequential(nn.Linear(a, b), nn.LayerNorm(b), nn.Linear(b, 2, bias=False))
    shared = nn.Linear(a, a)  # "tied": one layer used twice
    return nn.Sequential(shared, nn.ReLU(), shared, nn.LayerNorm(a))


def _model_text(kind: str, a: int, b: int) -> str:
    if kind == "mlp":
        return f"nn.Sequential(nn.Linear({a}, {b}), nn.BatchNorm1d({b}), nn.ReLU(), nn.Linear({b}, 3))"
    if kind == "cnn":
        return (f"nn.Sequential(nn.Conv2d(1, {a}, 3), nn.BatchNorm2d({a}), nn.ReLU(), nn.Flatten(), "
                f"nn.Linear({a * 4}, {b}))")
    if kind == "norm":
        return f"nn.Sequential(nn.Linear({a}, {b}), nn.LayerNorm({b}), nn.Linear({b}, 2, bias=False))"
    return f"nn.Sequential(shared, nn.ReLU(), shared, nn.LayerNorm({a})) with shared = nn.Linear({a}, {a})"


def _random_groups(g: torch.Generator) -> tuple:
    kind = ["mlp", "cnn", "norm", "tied"][_int(g, 0, 3)]
    return kind, _int(g, 1, 5), _int(g, 1, 5), _uniform(g, 0.05, 0.5)


def _group_text(group, names: dict) -> dict:
    if not isinstance(group, dict):
        return {"params": f"a {type(group).__name__}, not a dict", "weight_decay": None}
    params = group.get("params", [])
    params = [params] if isinstance(params, torch.Tensor) else list(params)
    order = {name: i for i, name in enumerate(names.values())}
    found = sorted((names.get(id(p), "a tensor that is not one of the model's parameters") for p in params),
                   key=lambda name: order.get(name, len(order)))
    decay = group.get("weight_decay", "not set, so the optimizer's default applies")
    if type(decay) is int:
        decay = float(decay)  # 0 and 0.0 are the same setting
    return {"params": ", ".join(found) or "(none)", "weight_decay": decay}


def _probe_groups(ns, kind, a, b, weight_decay):
    """Which of the model's parameters (by their names in the model) each group holds."""
    model = _model(kind, a, b)
    names = {id(p): name for name, p in model.named_parameters()}
    groups = ns.param_groups(model, weight_decay)
    if not isinstance(groups, (list, tuple)):
        return {"groups": f"a {type(groups).__name__}, not a list of dicts"}
    return {"groups": [_group_text(group, names) for group in groups]}


def _probe_adamw(ns, kind, a, b, weight_decay):
    """One step of torch.optim.AdamW(param_groups(model, weight_decay), lr=0.1) with fixed gradients."""
    model = _model(kind, a, b)
    fill_parameters(model)
    optimizer = torch.optim.AdamW(ns.param_groups(model, weight_decay), lr=0.1)
    gen = torch.Generator().manual_seed(12)
    for p in model.parameters():
        p.grad = torch.randn(p.shape, generator=gen)
    optimizer.step()
    return {"parameters after one AdamW step": {name: p.detach() for name, p in model.named_parameters()}}


CHECKS = [
    Check(
        "Dropout in training mode",
        target="Dropout",
        args=[
            (0.5, _randn(1, 4, 5), 2),
            (0.2, _randn(2, 2, 3, 4), 2),
            (0.0, _randn(3, 3, 4), 1),
            (0.9, _randn(4, 8, 6), 2),
            (1.0, _randn(5, 3, 4), 1),
        ],
        random=_random_dropout,
        n_random=2,
        probe=_probe_dropout_train,
        describe=_describe_dropout,
        hints=_DROPOUT_HINTS,
        forbid=_DROPOUT_BUILTINS,
        hint="In training: `keep = torch.rand_like(x) > p`, then `x * keep / (1 - p)` (and zeros from `x * 0` when "
        "p = 1), so that every element keeps its expected value.",
    ),
    Check(
        "Dropout in eval mode",
        target="Dropout",
        args=[(0.5, _randn(6, 4, 5)), (0.3, _randn(7, 2, 3, 2)), (1.0, _randn(8, 6))],
        random=lambda g: _random_dropout(g)[:2],
        n_random=1,
        probe=_probe_dropout_eval,
        describe=_describe_dropout,
        hints={"Dropout(p) is an nn.Module": _DROPOUT_HINTS["Dropout(p) is an nn.Module"]},
        forbid=_DROPOUT_BUILTINS,
        hint="After `.eval()` (on the layer or on a model holding it) `self.training` is False, and inverted "
        "dropout is the identity: return x as it is.",
    ),
    Check(
        "batch_norm in training mode",
        target="batch_norm",
        args=[
            _bn_case(10, 4, 3, True),
            _bn_case(20, 2, 1, True, momentum=0.3),
            _bn_case(30, 6, 4, True, momentum=1.0, eps=0.5),
            _bn_case(40, 5, 2, True, momentum=0.0),
        ],
        random=_random_bn(True),
        n_random=2,
        probe=_probe_bn,
        describe=_describe_bn,
        hints=_BN_HINTS,
        hint="Training mode: normalise with the batch's mean and biased variance over dim 0, and update the running "
        "statistics in place with momentum, using the unbiased variance for running_var.",
        forbid=["torch.nn.functional.batch_norm", "torch.batch_norm"],
    ),
    Check(
        "batch_norm in eval mode",
        target="batch_norm",
        args=[_bn_case(50, 4, 3, False), _bn_case(60, 1, 5, False), _bn_case(70, 3, 2, False, momentum=0.5, eps=0.5)],
        random=_random_bn(False),
        n_random=2,
        probe=_probe_bn,
        describe=_describe_bn,
        hints=_BN_HINTS,
        hint="Eval mode: normalise with `running_mean` and `running_var` (not the batch's statistics), and leave "
        "them as they are.",
        forbid=["torch.nn.functional.batch_norm", "torch.batch_norm"],
    ),
    Check(
        "param_groups: which parameters decay",
        target="param_groups",
        args=[("mlp", 4, 8, 0.1), ("cnn", 2, 5, 0.05), ("norm", 3, 6, 0.2), ("tied", 4, 0, 0.1)],
        random=_random_groups,
        n_random=2,
        probe=_probe_groups,
        describe=lambda kind, a, b, wd: f"param_groups({_model_text(kind, a, b)}, weight_decay={wd}); the "
        "parameters of each group, by their names in the model",
        hint="Return two dicts: the parameters with `p.ndim >= 2` with \"weight_decay\": weight_decay, then all the "
        "others (biases, norm weights) with \"weight_decay\": 0.0.",
    ),
    Check(
        "param_groups with torch.optim.AdamW",
        target="param_groups",
        args=[("mlp", 3, 4, 0.3), ("cnn", 2, 3, 0.5), ("norm", 2, 3, 0.2)],
        random=_random_groups,
        n_random=1,
        probe=_probe_adamw,
        describe=lambda kind, a, b, wd: f"model = {_model_text(kind, a, b)} with fixed weights; one step of "
        f"torch.optim.AdamW(param_groups(model, weight_decay={wd}), lr=0.1) with fixed gradients",
        hint="AdamW multiplies each parameter by (1 - lr * weight_decay) of its group: only the weights of Linear "
        "and Conv layers should shrink. A group without \"weight_decay\" gets AdamW's default, 0.01.",
    ),
]
