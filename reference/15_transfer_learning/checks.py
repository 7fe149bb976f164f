"""What `pytorch-tutor check 15` establishes (docs/authoring.md). Known mistakes: mistakes/*.py.

Every probe starts from the stub's own PretrainedNet and pretrained_state, mostly with other seeds than the
default, so a checkpoint must really be read. Checkpoints are written by the probe, with safetensors,
to a fresh temporary folder. What is compared is observed, never claimed: the state_dict and the
logits of the loaded model (eval mode shows in the logits), requires_grad and the gradients of every
parameter by its name, the new head's weights, which of the model's parameters each optimizer group
holds (by identity), the weights after steps (a frozen parameter inside AdamW moves by weight decay
whenever it has a .grad: one case leaves zeros there with zero_grad(set_to_none=False)), the
backbone's running statistics after training, and the losses. train_head gets its model frozen and
an SGD optimizer from the probe, not the learner's adapt and make_optimizer; fine_tune runs all four.
"""

import os
import tempfile

import safetensors.torch
import torch
import torch.nn.functional as F
from torch import nn

from grader.kit import Check, backpropagate, fill_parameters

HINTS = {
    "load_pretrained": [
        "Three steps: read the checkpoint file, copy its tensors into a new PretrainedNet, and switch the model to "
        "eval mode.",
        "`safetensors.torch.load_file(path)` returns the state_dict; `model.load_state_dict(state)` copies it in "
        "(it returns a report of missing and unexpected keys, not the model); `model.eval()` returns the model.",
        "Nearly there: `model = PretrainedNet()`, `model.load_state_dict(safetensors.torch.load_file(path))`, "
        "`return model.eval()`.",
    ],
    "adapt": [
        "Two changes to the model you are given: the backbone stops training, and a new head with one output per "
        "new class takes the old one's place.",
        "`model.backbone.requires_grad_(False)` freezes every parameter inside it. Assign the new layer to "
        "`model.head`, the attribute forward() uses; `nn.init.zeros_` zeroes a tensor in place.",
        "Nearly there: `model.backbone.requires_grad_(False)`, `head = nn.Linear(model.head.in_features, "
        "num_classes)`, `nn.init.zeros_(head.weight)`, `nn.init.zeros_(head.bias)`, `model.head = head`, "
        "`return model`.",
    ],
    "make_optimizer": [
        "Only the parameters that train go to the optimizer, and among them only the weights get weight decay.",
        "Keep the parameters with `p.requires_grad`; split them by `p.ndim >= 2` into two groups, the first with "
        "\"weight_decay\": weight_decay, the second with 0.0; `torch.optim.AdamW(groups, lr=lr)`.",
        "Nearly there: `trainable = [p for p in model.parameters() if p.requires_grad]`, then `return "
        "torch.optim.AdamW([{\"params\": [p for p in trainable if p.ndim >= 2], \"weight_decay\": weight_decay}, "
        "{\"params\": [p for p in trainable if p.ndim < 2], \"weight_decay\": 0.0}], lr=lr)`.",
    ],
    "train_head": [
        "A training loop as in 04 and 11, with one difference: the frozen backbone's batch norms must stay in eval "
        "mode while the rest of the model trains.",
        "`model.train()` switches every submodule to train mode, so call `model.backbone.eval()` after it, not "
        "before. Then per batch: `optimizer.zero_grad()`, `F.cross_entropy(model(images), labels)`, `backward()`, "
        "`optimizer.step()`.",
        "Nearly there: `model.train()`, `model.backbone.eval()`, then for each `(images, labels)`: "
        "`optimizer.zero_grad()`, `loss = F.cross_entropy(model(images), labels)`, `loss.backward()`, "
        "`optimizer.step()`, `losses.append(loss.item())`.",
    ],
    "fine_tune": [
        "Chain your four functions; the only question is the order.",
        "An optimizer keeps the parameters it was given when it was built: build it after `adapt`, once the new "
        "head exists and the backbone is frozen.",
        "Nearly there: `model = adapt(load_pretrained(path), num_classes)`, `optimizer = make_optimizer(model, lr, "
        "weight_decay)`, `return model, optimizer, train_head(model, optimizer, batches)`.",
    ],
}


def _int(g: torch.Generator, low: int, high: int) -> int:
    return int(torch.randint(low, high + 1, (1,), generator=g))


def _images(seed: int, n: int) -> torch.Tensor:
    return torch.randn(n, 1, 8, 8, generator=torch.Generator().manual_seed(seed))


def _batches(seed: int, sizes: list[int], num_classes: int) -> list:
    g = torch.Generator().manual_seed(seed + 100)
    return [(torch.randn(n, 1, 8, 8, generator=g), torch.randint(0, num_classes, (n,), generator=g)) for n in sizes]


def _pretrained(ns, seed: int) -> nn.Module:
    """The stub's PretrainedNet holding pretrained_state(seed), as built here (not by load_pretrained)."""
    model = ns.PretrainedNet()
    model.load_state_dict(ns.pretrained_state(seed))
    return model


def _with_checkpoint(state: dict, seed: int, then):
    """`then(path)` for a .safetensors file of `state` (pretrained_state(seed)) in a fresh temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"pretrained-{seed}.safetensors")
        safetensors.torch.save_file(state, path)
        return then(path)


def _as_float(value):
    return float(value) if isinstance(value, float) else value  # numpy.float64 is a float too


def _losses(losses):
    return [_as_float(v) for v in losses] if isinstance(losses, list) else losses


def _state(module: nn.Module) -> dict:
    return {name: t.detach().clone() for name, t in module.state_dict().items()}


def _requires_grad(model: nn.Module) -> dict:
    return {name: p.requires_grad for name, p in model.named_parameters()}


def _groups(optimizer, model: nn.Module) -> list:
    """Each param group as the names (in the model) of the parameters it holds, with its settings."""
    names = {id(p): name for name, p in model.named_parameters()}
    order = {name: i for i, name in enumerate(names.values())}
    found = []
    for group in optimizer.param_groups:
        held = sorted((names.get(id(p), "a tensor that is not one of the model's parameters") for p in group["params"]),
                      key=lambda name: order.get(name, len(order)))
        decay = group.get("weight_decay")
        found.append({"params": ", ".join(held) or "(none)", "weight_decay": float(decay) if type(decay) is int else decay,
                      "lr": _as_float(group.get("lr"))})
    return found


def _running_statistics(model: nn.Module) -> dict:
    return {name: b.detach().clone() for name, b in model.named_buffers()}


# ---- load_pretrained ------------------------------------------------------------------------------

RETURNED = "what it returns"
STATE = "state_dict of the returned model"
LOGITS = "logits for a fixed batch of images"


def _probe_load(ns, seed, x):
    model = _with_checkpoint(ns.pretrained_state(seed), seed, ns.load_pretrained)
    if not isinstance(model, nn.Module):
        return {RETURNED: type(model).__name__, STATE: None, LOGITS: None}
    return {RETURNED: type(model).__name__, STATE: _state(model), LOGITS: model(x)}


LOAD_HINTS = {
    RETURNED: "Return the model. `model.load_state_dict(...)` returns a report of missing and unexpected keys, "
    "not the model; `model.eval()` returns the model itself.",
    STATE: "The weights or running statistics are not the checkpoint's: read the file at `path` "
    "(`safetensors.torch.load_file(path)`) and copy it in with `model.load_state_dict(state)`, strict as it is "
    "by default, so that every key must match.",
    LOGITS: "The weights are right, the predictions are not: return the model in eval mode (`model.eval()`), so "
    "that batch norm normalises with the pretrained running statistics instead of the batch's own.",
}

# ---- adapt ----------------------------------------------------------------------------------------

REQUIRES_GRAD = "requires_grad of each parameter"
NEW_HEAD = "model.head's weight and bias after adapt"
BACKBONE = "the backbone's state_dict after adapt"
HEAD_LOGITS = "logits in eval mode, after the probe gives model.head fixed weights"
GRADIENTS = "gradient of each parameter"


def _probe_adapt(ns, seed, num_classes, x):
    returned = ns.adapt(_pretrained(ns, seed), num_classes)
    found = {RETURNED: type(returned).__name__, REQUIRES_GRAD: None, NEW_HEAD: None, BACKBONE: None,
             HEAD_LOGITS: None, GRADIENTS: None}
    if not isinstance(returned, nn.Module):
        return found
    found[REQUIRES_GRAD] = _requires_grad(returned)
    head = getattr(returned, "head", None)
    if isinstance(head, nn.Linear):
        found[NEW_HEAD] = [head.weight.detach().clone(), None if head.bias is None else head.bias.detach().clone()]
    else:
        found[NEW_HEAD] = f"model.head is a {type(head).__name__}"
    backbone = getattr(returned, "backbone", None)
    found[BACKBONE] = _state(backbone) if isinstance(backbone, nn.Module) else None
    if isinstance(head, nn.Module):
        fill_parameters(head, seed=1)  # a zero head gives zero logits: fixed weights show what flows through
    returned.eval()
    out = returned(x)
    backpropagate(out)
    found[HEAD_LOGITS] = out
    found[GRADIENTS] = {name: p.grad for name, p in returned.named_parameters()}
    return found


def _describe_adapt(seed, num_classes, x) -> str:
    return (f"adapt(PretrainedNet holding pretrained_state({seed}), num_classes={num_classes}); then, with fixed "
            f"weights in model.head, model.eval()(images of shape {tuple(x.shape)}) backpropagated with fixed random "
            "weights")


ADAPT_HINTS = {
    RETURNED: "Return the model you were given, changed in place. Its forward() already calls `self.head`, so "
    "assigning the new layer to `model.head` is all it takes; wrapping the model (`nn.Sequential(model, "
    "new_layer)`) keeps the old head in the computation.",
    f"{REQUIRES_GRAD}.keys": "The model's parameters must be the backbone's and the new `head.weight` and "
    "`head.bias`: replace `model.head` itself (the attribute forward() uses), do not add a layer under another name.",
    REQUIRES_GRAD: "Exactly the backbone's parameters are frozen: `model.backbone.requires_grad_(False)` (the "
    "method: setting `.requires_grad = False` on a module only adds an attribute), and the new head trains.",
    NEW_HEAD: "model.head must be a new `nn.Linear(model.head.in_features, num_classes)` with a zero weight and "
    "bias: `nn.init.zeros_(head.weight)`, `nn.init.zeros_(head.bias)`.",
    BACKBONE: "Leave the backbone's weights and running statistics as they were loaded: freezing only changes "
    "requires_grad.",
    HEAD_LOGITS: "With the same weights in model.head the logits differ: forward() must run the backbone and then "
    "the new head, nothing else.",
    GRADIENTS: "After backward only the new head's parameters have a gradient; the frozen ones have None.",
}

# ---- make_optimizer -------------------------------------------------------------------------------

OPTIMIZER = "type of the optimizer"
GROUPS = "param groups: the model's parameters each one holds, weight_decay, lr"
AFTER = "every parameter after two optimizer steps"


def _probe_optimizer(ns, seed, frozen, lr, weight_decay, stale):
    model = _pretrained(ns, seed).eval()
    batches = _batches(seed, [4, 4], 10)
    if stale:  # gradients left by an earlier phase that trained the whole network
        F.cross_entropy(model(batches[0][0]), batches[0][1]).backward()
    for name, p in model.named_parameters():
        if name.startswith(tuple(frozen)):
            p.requires_grad_(False)
    optimizer = ns.make_optimizer(model, lr, weight_decay)
    if not isinstance(optimizer, torch.optim.Optimizer):
        return {OPTIMIZER: type(optimizer).__name__, GROUPS: None, AFTER: None}
    found = {OPTIMIZER: type(optimizer).__name__, GROUPS: _groups(optimizer, model)}
    if any(p.requires_grad for p in model.parameters()):
        for x, y in batches:
            optimizer.zero_grad(set_to_none=not stale)  # set_to_none=False keeps zeros in .grad
            F.cross_entropy(model(x), y).backward()
            optimizer.step()
    found[AFTER] = {name: p.detach().clone() for name, p in model.named_parameters()}
    return found


def _random_optimizer(g: torch.Generator) -> tuple:
    frozen = [("backbone.",), ("backbone.0.", "backbone.1."), ("backbone.3.", "backbone.4.", "head.bias")][_int(g, 0, 2)]
    return _int(g, 0, 1000), frozen, [0.01, 0.05][_int(g, 0, 1)], [0.1, 0.5][_int(g, 0, 1)], bool(_int(g, 0, 1))


def _describe_optimizer(seed, frozen, lr, weight_decay, stale) -> str:
    what = ", ".join(f"{prefix}*" for prefix in frozen) if frozen else "nothing"
    text = (f"make_optimizer(model, lr={lr}, weight_decay={weight_decay}) for PretrainedNet holding pretrained_state("
            f"{seed}) with {what} frozen; then two steps of zero_grad, cross-entropy, backward, step")
    if stale:
        text += (", where .grad still held gradients from training the whole network before freezing, and zero_grad "
                 "was called with set_to_none=False")
    return text


OPTIMIZER_HINTS = {
    OPTIMIZER: "Return a `torch.optim.AdamW`: its weight decay is decoupled from the gradient (11, 12), which "
    "Adam's `weight_decay=` is not.",
    GROUPS: "Two groups, in this order: the parameters that require grad with `p.ndim >= 2`, with \"weight_decay\": "
    "weight_decay, then those with `p.ndim < 2`, with 0.0; `lr` for both. A parameter with requires_grad=False "
    "belongs in neither.",
    AFTER: "The steps moved the parameters differently. A frozen parameter must not move at all: an optimizer that "
    "holds it shrinks it by weight decay whenever it has a .grad, even one of zeros.",
}

# ---- train_head -----------------------------------------------------------------------------------

RUNNING = "the backbone's running statistics after training"
BACKBONE_AFTER = "the backbone's parameters after training"
HEAD_AFTER = "the head's parameters after training"
HEAD_GRADS = "the head's .grad after the last step"
LOSSES = "returned losses"


def _probe_train(ns, seed, training, sizes, lr):
    model = _pretrained(ns, seed)
    model.backbone.requires_grad_(False)  # frozen here by the probe, head kept: independent of your adapt
    model.train(training)
    optimizer = torch.optim.SGD(model.head.parameters(), lr=lr, momentum=0.9)
    losses = ns.train_head(model, optimizer, _batches(seed, sizes, 10))
    return {
        RUNNING: _running_statistics(model.backbone),
        BACKBONE_AFTER: {name: p.detach().clone() for name, p in model.backbone.named_parameters()},
        HEAD_AFTER: {name: p.detach().clone() for name, p in model.head.named_parameters()},
        HEAD_GRADS: [p.grad for p in model.head.parameters()],
        LOSSES: _losses(losses),
    }


def _random_train(g: torch.Generator) -> tuple:
    return _int(g, 0, 1000), bool(_int(g, 0, 1)), [_int(g, 2, 6) for _ in range(_int(g, 2, 3))], 0.1


def _describe_train(seed, training, sizes, lr) -> str:
    return (f"train_head(model, SGD(model.head.parameters(), lr={lr}, momentum=0.9), batches of sizes {sizes}) for "
            f"PretrainedNet holding pretrained_state({seed}), its backbone frozen, handed over in "
            f"{'train' if training else 'eval'} mode")


TRAIN_HINTS = {
    RUNNING: "The frozen backbone's running statistics changed: requires_grad=False does not stop a BatchNorm in "
    "train mode from updating them. Call `model.train()` first and `model.backbone.eval()` after it (train() "
    "switches every submodule, so the other order undoes the eval()).",
    BACKBONE_AFTER: "The backbone's parameters must not change: train only through the optimizer you are given.",
    HEAD_AFTER: "The head trained differently: for each batch `optimizer.zero_grad()`, "
    "`F.cross_entropy(model(images), labels)`, `backward()`, `optimizer.step()`, with the optimizer you are given.",
    HEAD_GRADS: "What .grad holds after the last step differs: clear the gradients at the start of every batch, "
    "then call backward once.",
    LOSSES: "Return one Python float per batch, `loss.item()`, of `F.cross_entropy(model(images), labels)`.",
}

# ---- fine_tune ------------------------------------------------------------------------------------

MOVED = "parameters that fine-tuning changed"
PARAMS_AFTER = "every parameter after fine-tuning"


def _probe_fine_tune(ns, seed, num_classes, sizes, lr, weight_decay, x):
    start = ns.pretrained_state(seed)
    batches = _batches(seed, sizes, num_classes)
    out = _with_checkpoint(start, seed, lambda path: ns.fine_tune(path, num_classes, batches, lr, weight_decay))
    keys = [MOVED, REQUIRES_GRAD, GROUPS, RUNNING, PARAMS_AFTER, LOSSES, LOGITS]
    if not (isinstance(out, tuple) and len(out) == 3 and isinstance(out[0], nn.Module)
            and isinstance(out[1], torch.optim.Optimizer)):
        return {RETURNED: type(out).__name__} | dict.fromkeys(keys)
    model, optimizer, losses = out

    def before(name, p):  # the pretrained value, or zeros for a new layer (adapt's head starts at zero)
        old = start.get(name)
        return old if old is not None and old.shape == p.shape else torch.zeros_like(p)

    return {
        RETURNED: "tuple of 3",
        MOVED: ", ".join(n for n, p in model.named_parameters() if not torch.equal(p.detach(), before(n, p))) or "(none)",
        REQUIRES_GRAD: _requires_grad(model),
        GROUPS: _groups(optimizer, model),
        RUNNING: _running_statistics(model),
        PARAMS_AFTER: {name: p.detach().clone() for name, p in model.named_parameters()},
        LOSSES: _losses(losses),
        LOGITS: model.eval()(x),
    }


def _random_fine_tune(g: torch.Generator) -> tuple:
    seed = _int(g, 0, 1000)
    return seed, _int(g, 2, 6), [_int(g, 2, 6) for _ in range(3)], 0.05, 0.1, _images(seed + 1, 3)


def _describe_fine_tune(seed, num_classes, sizes, lr, weight_decay, x) -> str:
    return (f"fine_tune(a .safetensors file of pretrained_state({seed}), num_classes={num_classes}, batches of sizes "
            f"{sizes}, lr={lr}, weight_decay={weight_decay}); then the model's eval-mode logits for images of shape "
            f"{tuple(x.shape)}")


FINE_TUNE_HINTS = {
    RETURNED: "Return a tuple of three: `(model, optimizer, losses)`.",
    MOVED: "Fine-tuning must change the new head's weight and bias and nothing else. If the head did not move, the "
    "optimizer does not hold it: build the optimizer after `adapt`, from the model as it is then.",
    GROUPS: "The optimizer must hold exactly the new head's parameters, as make_optimizer builds it once the model "
    "is adapted: an optimizer keeps the parameter list it was built with.",
    RUNNING: TRAIN_HINTS[RUNNING],
    LOSSES: TRAIN_HINTS[LOSSES],
}


CHECKS = [
    Check(
        "load_pretrained",
        target="load_pretrained",
        args=[(1, _images(10, 4)), (2, _images(11, 3)), (0, _images(12, 2))],
        random=lambda g: (_int(g, 3, 1000), torch.randn(_int(g, 2, 4), 1, 8, 8, generator=g)),
        n_random=1,
        probe=_probe_load,
        describe=lambda seed, x: f"load_pretrained(a .safetensors file of pretrained_state({seed})); then the "
        f"model's logits for images of shape {tuple(x.shape)}",
        hints=LOAD_HINTS,
        hint="Read the file with `safetensors.torch.load_file(path)`, `load_state_dict` it into a new PretrainedNet, "
        "and return the model in eval mode.",
    ),
    Check(
        "adapt",
        target="adapt",
        args=[(1, 3, _images(20, 4)), (2, 2, _images(21, 3)), (3, 10, _images(22, 2)), (4, 5, _images(23, 1))],
        random=lambda g: (_int(g, 5, 1000), _int(g, 2, 6), torch.randn(3, 1, 8, 8, generator=g)),
        n_random=1,
        probe=_probe_adapt,
        describe=_describe_adapt,
        hints=ADAPT_HINTS,
        hint="Freeze the backbone with `model.backbone.requires_grad_(False)`, and assign a zero-initialised "
        "`nn.Linear(model.head.in_features, num_classes)` to `model.head`.",
    ),
    Check(
        "make_optimizer",
        target="make_optimizer",
        args=[
            (1, ("backbone.",), 0.01, 0.1, False),
            (2, ("backbone.",), 0.05, 0.5, True),  # stale gradients: frozen parameters in AdamW would decay
            (3, (), 0.01, 0.1, False),  # nothing frozen
            (4, ("backbone.0.", "backbone.1."), 0.02, 0.2, True),  # only the first convolution and its batch norm
            (5, ("backbone.", "head."), 0.01, 0.1, False),  # everything frozen: two empty groups
        ],
        random=_random_optimizer,
        n_random=1,
        probe=_probe_optimizer,
        describe=_describe_optimizer,
        hints=OPTIMIZER_HINTS,
        hint="`torch.optim.AdamW` over the parameters with requires_grad=True: those with 2+ dimensions with "
        "weight_decay, the 1-D ones with 0.0.",
    ),
    Check(
        "train_head",
        target="train_head",
        args=[(1, True, [4, 4, 4], 0.1), (2, False, [3, 5], 0.05), (3, True, [2, 6, 2, 6], 0.1)],
        random=_random_train,
        n_random=1,
        probe=_probe_train,
        describe=_describe_train,
        hints=TRAIN_HINTS,
        hint="`model.train()`, then `model.backbone.eval()`; per batch: zero_grad, cross-entropy, backward, step.",
    ),
    Check(
        "fine_tune",
        target="fine_tune",
        args=[(1, 3, [4, 4, 4], 0.05, 0.1, _images(30, 3)), (2, 2, [5, 3], 0.1, 0.5, _images(31, 2))],
        random=_random_fine_tune,
        n_random=1,
        probe=_probe_fine_tune,
        describe=_describe_fine_tune,
        hints=FINE_TUNE_HINTS,
        hint="load_pretrained, adapt, make_optimizer, train_head: in that order.",
        depends_on=["load_pretrained", "adapt", "make_optimizer", "train_head"],
    ),
]
