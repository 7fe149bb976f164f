"""What `pytorch-tutor check 11` establishes (docs/authoring.md). Known mistakes: mistakes/*.py.

The probes build every model (deterministic weights from `fill_parameters`), micro-batch, optimizer
and scheduler they hand over; a scheduler a probe builds is one of torch's own with a schedule of
its own (1 / (t + 1)), never warm-up + cosine. What the probes report is observed, not claimed:
the learning rate each `optimizer.step()` ran with (an optimizer hook reading `param_groups`), the
weights and the gradients afterwards, and for `make_scheduler` the rate recovered from how far
SGD moved a weight whose gradient is 1. The expected results come from solution.py, on the trusted side.
"""

import torch
from torch import nn
from torch.optim.lr_scheduler import LambdaLR
from torch.optim.optimizer import register_optimizer_step_pre_hook

from grader.kit import Check, fill_parameters

HINTS = {
    "warmup_cosine": [
        "Two pieces: a straight line up during the warm-up, then half a cosine down; write them as an `if`.",
        "Warm-up: `(step + 1) / warmup_steps` (step 0 is the first step and must not be 0). After it: "
        "`progress = (step - warmup_steps) / (total_steps - warmup_steps)`, capped at 1.",
        "Nearly there: `if step < warmup_steps: return (step + 1) / warmup_steps`, then "
        "`progress = min(..., 1.0)` and `return 0.5 * (1 + math.cos(math.pi * progress))`.",
    ],
    "make_scheduler": [
        "`torch.optim.lr_scheduler.LambdaLR` multiplies the optimizer's lr by a function of the step.",
        "The function returns the factor, not the learning rate: `lambda step: warmup_cosine(step, ...)`.",
        "Nearly there: `return LambdaLR(optimizer, lambda step: warmup_cosine(step, warmup_steps, total_steps))`.",
    ],
    "train_step": [
        "Work out first whether this micro-batch starts a group (`micro_step % accumulation == 0`) and whether "
        "it ends one (`(micro_step + 1) % accumulation == 0`).",
        "Start of a group: `optimizer.zero_grad()`. Every call: `(loss / accumulation).backward()`. End of a "
        "group: clip, `optimizer.step()`, then `scheduler.step()`, in that order.",
        "Nearly there: zero_grad if it starts a group; `loss = loss_fn(model(x), y)`; "
        "`(loss / accumulation).backward()`; if it ends a group: `if max_norm is not None: "
        "torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)`, `optimizer.step()`, "
        "`if scheduler is not None: scheduler.step()`; `return loss.item()`.",
    ],
    "fit": [
        "Build the optimizer and the scheduler once, before the loop; the loop only calls `train_step`.",
        "`optimizer = torch.optim.AdamW(model.parameters(), lr=lr)`; the schedule counts optimizer steps: "
        "`len(batches) // accumulation` of them.",
        "Nearly there: `scheduler = make_scheduler(optimizer, warmup_steps, len(batches) // accumulation)`, then "
        "`return [train_step(model, b, loss_fn, optimizer, i, accumulation, max_norm, scheduler) "
        "for i, b in enumerate(batches)]`.",
    ],
}

LRS = "learning rate at each optimizer.step()"
WEIGHTS = "weights after the last call"
GRADS = "gradients in .grad after the last call"
LOSSES = "returned losses"
OPTIMIZERS = "optimizers that took steps"
USED = "learning rate each optimizer.step() used (from the weight change)"
REPORTED = "scheduler.get_last_lr() after each scheduler.step()"


# ---- building blocks, made identically in both processes ----------------------------------------


def _model(seed: int) -> nn.Module:
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    fill_parameters(model, seed)
    return model


def _batches(seed: int, sizes: list[int]) -> list:
    g = torch.Generator().manual_seed(seed)
    # Targets three times the inputs' scale: gradient norms of a few units, so a max_norm below 1 clips.
    return [(torch.randn(b, 3, generator=g), 3 * torch.randn(b, 2, generator=g)) for b in sizes]


def _leave_old_gradients(model: nn.Module, seed: int) -> None:
    """Gradients from an earlier backward (an evaluation, the previous epoch): a group must clear them."""
    g = torch.Generator().manual_seed(seed + 1)
    for p in model.parameters():
        p.grad = torch.randn(p.shape, generator=g) * 5


def _as_float(value):
    return float(value) if isinstance(value, float) else value  # numpy.float64 is a float too


def _optimizer(kind: str, model: nn.Module, lr: float) -> torch.optim.Optimizer:
    if kind == "Adam":
        return torch.optim.Adam(model.parameters(), lr=lr)
    return torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9 if kind == "SGD(momentum=0.9)" else 0.0)


def _schedule(step: int) -> float:
    return 1 / (step + 1)


# ---- warmup_cosine --------------------------------------------------------------------------------


def _probe_curve(ns, warmup_steps, total_steps):
    return [_as_float(ns.warmup_cosine(step, warmup_steps, total_steps)) for step in range(total_steps + 3)]


def _random_curve(g: torch.Generator) -> tuple:
    warmup = int(torch.randint(0, 6, (1,), generator=g))
    return warmup, warmup + int(torch.randint(1, 12, (1,), generator=g))


# ---- make_scheduler -------------------------------------------------------------------------------


def _probe_scheduler(ns, base_lr, warmup_steps, total_steps):
    weight = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=base_lr)
    scheduler = ns.make_scheduler(optimizer, warmup_steps, total_steps)
    used, reported = [], []
    for _ in range(total_steps):
        with torch.no_grad():
            weight.zero_()
        weight.grad = torch.ones_like(weight)
        optimizer.step()  # SGD from 0 with gradient 1: the weight becomes -lr
        used.append(0.0 - weight.item())  # 0.0 - : a rate of 0 reads as 0, not -0
        scheduler.step()
        reported.append([_as_float(v) for v in scheduler.get_last_lr()])
    return {USED: used, REPORTED: reported}


def _random_scheduler(g: torch.Generator) -> tuple:
    warmup, total = _random_curve(g)
    return [0.1, 0.3, 1.0][int(torch.randint(0, 3, (1,), generator=g))], warmup, total


# ---- train_step -----------------------------------------------------------------------------------


def _probe_steps(ns, kind, lr, sizes, accumulation, max_norm, scheduled, old_grads, seed):
    model = _model(seed)
    optimizer = _optimizer(kind, model, lr)
    lrs = []
    optimizer.register_step_pre_hook(lambda opt, args, kwargs: lrs.append(opt.param_groups[0]["lr"]))
    scheduler = LambdaLR(optimizer, _schedule) if scheduled else None
    if old_grads:
        _leave_old_gradients(model, seed)
    options = {}  # the defaults are part of the contract: pass only what a case changes
    if accumulation != 1:
        options["accumulation"] = accumulation
    if max_norm is not None:
        options["max_norm"] = max_norm
    if scheduler is not None:
        options["scheduler"] = scheduler
    losses = [_as_float(ns.train_step(model, batch, nn.MSELoss(), optimizer, i, **options))
              for i, batch in enumerate(_batches(seed, sizes))]
    return {
        LRS: lrs,
        WEIGHTS: [p.detach().clone() for p in model.parameters()],
        GRADS: [p.grad for p in model.parameters()],
        LOSSES: losses,
    }


def _steps_text(kind, lr, sizes, accumulation, max_norm, scheduled, old_grads, seed) -> str:
    options = [f"accumulation={accumulation}"] if accumulation != 1 else []
    options += [f"max_norm={max_norm}"] if max_norm is not None else []
    options += ["scheduler=LambdaLR(optimizer, lambda t: 1 / (t + 1))"] if scheduled else []
    text = (f"train_step(model, batch, nn.MSELoss(), {kind.replace(')', f', lr={lr})') if '(' in kind else f'{kind}(lr={lr})'}, "
            f"micro_step{''.join(', ' + o for o in options)}) for micro_step = 0..{len(sizes) - 1}, "
            f"on micro-batches of sizes {sizes}, with a small MLP")
    return text + (" whose .grad still held old gradients" if old_grads else "")


def _random_steps(kind: str, accumulation=None, max_norm=None, scheduled=False, old_grads=False):
    def make(g: torch.Generator) -> tuple:
        k = accumulation or int(torch.randint(1, 4, (1,), generator=g))
        groups = int(torch.randint(2, 4, (1,), generator=g))
        sizes = torch.randint(1, 6, (k * groups,), generator=g).tolist()
        lr = [0.01, 0.05, 0.1][int(torch.randint(0, 3, (1,), generator=g))]
        return kind, lr, sizes, k, max_norm, scheduled, old_grads, int(torch.randint(0, 10_000, (1,), generator=g))

    return make


STEP_HINTS = {
    f"{LRS}.length": "`optimizer.step()` runs once per group of `accumulation` micro-batches, at its end: "
    "only when `(micro_step + 1) % accumulation == 0`.",
    f"{LRS}.values": "`scheduler.step()` comes right after `optimizer.step()`, once per optimizer step: the "
    "step just taken used the current learning rate, and the next one gets the scheduler's new value.",
    WEIGHTS: "The weights moved differently. Within a group: `optimizer.zero_grad()` at its start only, "
    "`(loss / accumulation).backward()` on every micro-batch, then at its end clip, `optimizer.step()`, "
    "`scheduler.step()`.",
    GRADS: "What `.grad` holds after the step differs: each call adds the gradient of `loss / accumulation`, "
    "only a group's first call clears it, and clipping rescales it in place after the last `backward()`.",
    LOSSES: "Return the micro-batch's own loss as a Python float, `loss.item()`, taken before dividing it by "
    "`accumulation`.",
}


def _steps_check(name: str, args: list, random, hint: str, n_random: int = 1) -> Check:
    return Check(name, target="train_step", args=args, random=random, n_random=n_random, probe=_probe_steps,
                 describe=_steps_text, hints=STEP_HINTS, hint=hint)


# ---- fit ------------------------------------------------------------------------------------------


def _probe_fit(ns, sizes, lr, warmup_steps, accumulation, max_norm, seed):
    model = _model(seed)
    stepped, lrs = [], []

    def seen(optimizer, args, kwargs):  # every optimizer's step(), whoever built it
        if not any(o is optimizer for o in stepped):
            stepped.append(optimizer)
        lrs.append(optimizer.param_groups[0]["lr"])

    handle = register_optimizer_step_pre_hook(seen)
    try:
        losses = ns.fit(model, _batches(seed, sizes), nn.MSELoss(), lr, warmup_steps, accumulation, max_norm)
    finally:
        handle.remove()
    if isinstance(losses, list):
        losses = [_as_float(v) for v in losses]
    return {OPTIMIZERS: [type(o).__name__ for o in stepped], LRS: lrs,
            WEIGHTS: [p.detach().clone() for p in model.parameters()], LOSSES: losses}


def _random_fit(g: torch.Generator) -> tuple:
    accumulation, groups = int(torch.randint(1, 4, (1,), generator=g)), int(torch.randint(3, 6, (1,), generator=g))
    sizes = torch.randint(1, 6, (accumulation * groups,), generator=g).tolist()
    max_norm = [None, 0.5, 2.0][int(torch.randint(0, 3, (1,), generator=g))]
    return sizes, 0.05, int(torch.randint(0, groups, (1,), generator=g)), accumulation, max_norm, \
        int(torch.randint(0, 10_000, (1,), generator=g))


CHECKS = [
    Check(
        "warmup_cosine",
        target="warmup_cosine",
        args=[(3, 10), (0, 5), (1, 4), (5, 6), (2, 3)],
        random=_random_curve,
        n_random=2,
        probe=_probe_curve,
        describe=lambda w, t: f"[warmup_cosine(step, warmup_steps={w}, total_steps={t}) for step in range({t + 3})]",
        hints={"type": "Return a Python float for every step: write `0.0` rather than `0`, and use `math.cos`, "
                       "not a tensor."},
        hint="Index i of the list is step i. Warm-up: (step + 1) / warmup_steps; then 0.5 * (1 + cos(pi * progress)) "
        "with progress counted from the end of the warm-up, capped at 1.",
    ),
    Check(
        "make_scheduler",
        target="make_scheduler",
        args=[(0.5, 2, 6), (0.1, 0, 4), (1.0, 3, 5), (0.2, 1, 8)],
        random=_random_scheduler,
        n_random=1,
        probe=_probe_scheduler,
        describe=lambda lr, w, t: f"make_scheduler(SGD(lr={lr}), warmup_steps={w}, total_steps={t}), then {t} times "
        "optimizer.step() with gradient 1 and scheduler.step()",
        hints={
            USED: "The learning rates the optimizer actually used differ: LambdaLR's function must return the "
            "factor `warmup_cosine(step, ...)`, which LambdaLR multiplies by the optimizer's own lr.",
            REPORTED: "The scheduler reports different learning rates after its steps: step t must have "
            "`base_lr * warmup_cosine(t, warmup_steps, total_steps)`.",
        },
        hint="Build a `torch.optim.lr_scheduler.LambdaLR` from `warmup_cosine`.",
        depends_on=("warmup_cosine",),
    ),
    _steps_check(
        "train_step: plain SGD steps",
        [("SGD", 0.1, [4, 4, 4], 1, None, False, False, 1), ("SGD", 0.05, [2, 5], 1, None, False, True, 2),
         ("SGD(momentum=0.9)", 0.05, [3, 3, 3, 3], 1, None, False, False, 3)],
        _random_steps("SGD", accumulation=1),
        "With the defaults every call is a whole step: zero_grad, forward, backward, step.",
    ),
    _steps_check(
        "train_step: a learning-rate scheduler",
        [("SGD", 0.1, [4, 4, 4, 4], 1, None, True, False, 4), ("SGD", 0.1, [3, 3, 3, 3, 3, 3], 2, None, True, False, 5)],
        _random_steps("SGD", scheduled=True),
        "Call `scheduler.step()` once per optimizer step, right after `optimizer.step()`.",
    ),
    _steps_check(
        "train_step: gradient clipping",
        [("SGD", 0.1, [4, 4, 4], 1, 0.5, False, False, 6), ("SGD", 0.1, [3, 3, 3, 3], 2, 0.5, False, False, 7),
         ("SGD", 0.1, [4, 4], 1, 100.0, False, False, 8)],
        _random_steps("SGD", max_norm=0.3),
        "Clip with `torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)` after the group's last "
        "`backward()` and before `optimizer.step()`.",
    ),
    _steps_check(
        "train_step: gradient accumulation",
        [("SGD", 0.1, [2, 2, 2, 2], 2, None, False, False, 9), ("SGD", 0.1, [3, 1, 2, 4, 2, 2], 3, None, False, True, 10),
         ("SGD", 0.05, [2, 2, 2, 2], 4, None, False, False, 11)],
        _random_steps("SGD", old_grads=True),
        "Zero only when a group starts, divide every loss by `accumulation` before `backward()`, step when it ends.",
    ),
    _steps_check(
        "train_step: Adam",
        [("Adam", 0.01, [4, 4, 4, 4], 1, None, False, False, 12),
         ("Adam", 0.02, [3, 3, 3, 3, 3, 3], 2, 0.5, True, True, 13)],
        _random_steps("Adam", accumulation=2, max_norm=0.5, scheduled=True),
        "Adam's steps follow the same order as SGD's: zero at a group's start, scaled backward on every "
        "micro-batch, then clip, step and schedule at its end. The optimizer is the caller's: use it, keep it.",
    ),
    Check(
        "fit",
        target="fit",
        args=[([4] * 8, 0.05, 2, 2, None, 20), ([3] * 6, 0.1, 1, 1, 0.5, 21), ([2, 4, 3] * 3, 0.05, 1, 3, 1.0, 22)],
        random=_random_fit,
        n_random=1,
        probe=_probe_fit,
        describe=lambda sizes, lr, w, k, norm, seed: f"fit(a small MLP, micro-batches of sizes {sizes}, nn.MSELoss(), "
        f"lr={lr}, warmup_steps={w}, accumulation={k}, max_norm={norm})",
        hints={
            OPTIMIZERS: "Build one `torch.optim.AdamW(model.parameters(), lr=lr)`, before the loop, and keep it: "
            "AdamW's running averages of the gradients live in `optimizer.state`, and a new optimizer starts "
            "them from zero.",
            f"{LRS}.values": "The schedule counts optimizer steps: `make_scheduler(optimizer, warmup_steps, "
            "len(batches) // accumulation)`, passed to every `train_step`, which steps it after each optimizer step.",
            WEIGHTS: "The steps moved the weights differently: one AdamW with its default settings, one scheduler, "
            "and `train_step` with this call's `accumulation` and `max_norm`.",
        },
        hint="Build AdamW and the scheduler once, then call `train_step` on every micro-batch with its index.",
        depends_on=("train_step", "make_scheduler"),
    ),
]
