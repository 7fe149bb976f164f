"""What `pytorch-tutor check 04` establishes. Known mistakes: mistakes/*.py.

Every probe builds its own small model (deterministic weights from `fill_parameters`), batches,
loss and SGD optimizer, trains with the learner's code, and returns data the trusted side judges
by itself: the value returned, and the weights after each `optimizer.step()` (how many steps,
and what each one did, show in those weights, not in a counter kept in the learner's process).
"""

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from grader.kit import Check, fill_parameters

HINTS = {
    "train_one_epoch": [
        "Every batch is the same four steps: clear the gradients, forward pass and loss, backward, optimizer step. "
        "Before the loop, put the model in training mode.",
        "Useful calls: `model.train()`, `optimizer.zero_grad()`, `loss = loss_fn(model(inputs), targets)`, "
        "`loss.backward()`, `optimizer.step()`, and `loss.item()` to keep the loss as a Python float.",
        "Clear gradients before `backward()` (they accumulate), step after it, and return "
        "`sum of loss.item() over batches / number of batches`.",
        "Nearly there: `model.train()`, then for each `(inputs, targets)`: `optimizer.zero_grad()`, "
        "`loss = loss_fn(model(inputs), targets)`, `loss.backward()`, `optimizer.step()`, `total += loss.item()`; "
        "return `total / number_of_batches`.",
    ],
    "fit": [
        "An epoch is one call of `train_one_epoch`; `fit` makes `epochs` such calls and keeps what each returns.",
        "Nearly there: `return [train_one_epoch(model, loader, loss_fn, optimizer) for _ in range(epochs)]`.",
    ],
}

STEPS = "weights after each optimizer.step()"
AFTER = "model(x) afterwards"  # Dropout zeroes units only in training mode: the output shows the mode

EPOCH_HINTS = {
    f"{STEPS}.length": "Take exactly one `optimizer.step()` per batch, after `loss.backward()`: this list has "
    "one entry per step.",
    STEPS: "Each step must use the gradients of its own batch only: `optimizer.zero_grad()`, forward and loss, "
    "`loss.backward()`, then `optimizer.step()`.",
    "returned.type": "Return a Python float: keep each batch's loss as a number with `loss.item()`.",
    "returned": "Return the plain mean of the batch losses: the sum of `loss.item()` divided by the number of "
    "batches (each batch counts once, whatever its size).",
}


def _model(*layers: nn.Module) -> nn.Module:
    model = nn.Sequential(*layers)
    fill_parameters(model)
    return model


def _mlp() -> nn.Module:
    return _model(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))


def _as_float(value):
    """A float subclass (e.g. numpy.float64) is a float: report it as one."""
    return float(value) if isinstance(value, float) else value


def _train(model: nn.Module, lr: float, call) -> dict:
    """`call(optimizer)` with an SGD optimizer over `model`; what it returned, and the weights after each step."""
    optimizer, steps = torch.optim.SGD(model.parameters(), lr=lr), []
    optimizer.register_step_post_hook(lambda *_: steps.append([p.detach().clone() for p in model.parameters()]))
    returned = call(optimizer)
    returned = [_as_float(v) for v in returned] if isinstance(returned, list) else _as_float(returned)
    return {STEPS: steps, "returned": returned}


def _epoch(ns, model: nn.Module, loader, lr: float, loss_fn=nn.MSELoss) -> dict:
    return _train(model, lr, lambda optimizer: ns.train_one_epoch(model, loader, loss_fn(), optimizer))


def _probe_epoch(ns, batches, lr):
    return _epoch(ns, _mlp(), batches, lr)


def _probe_dropout(ns, batches, lr):
    model = _model(nn.Linear(3, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 2))
    model.eval()  # left in evaluation mode, e.g. by an earlier validation pass
    found = _epoch(ns, model, batches, lr)
    torch.manual_seed(0)
    with torch.no_grad():
        found[AFTER] = model(torch.ones(4, 3))
    return found


def _probe_stale(ns, batches, lr):
    model = _mlp()
    x, y = batches[0]
    (model(x) - y).pow(3).sum().backward()  # an earlier backward() left gradients in .grad
    return _epoch(ns, model, batches, lr)


def _probe_loader(ns, n, batch_size):
    g = torch.Generator().manual_seed(100 * n + batch_size)
    data = TensorDataset(torch.randn(n, 4, generator=g), torch.randint(0, 3, (n,), generator=g))
    return _epoch(ns, _model(nn.Linear(4, 3)), DataLoader(data, batch_size=batch_size), 0.5, nn.CrossEntropyLoss)


def _probe_fit(ns, batches, epochs):
    model = _mlp()
    return _train(model, 0.1, lambda optimizer: ns.fit(model, batches, nn.MSELoss(), optimizer, epochs))


def _batches(g: torch.Generator, sizes: list[int], n_in: int = 3, n_out: int = 2) -> list:
    return [(torch.randn(b, n_in, generator=g), torch.randn(b, n_out, generator=g)) for b in sizes]


def _fixed(seed: int, sizes: list[int]) -> list:
    return _batches(torch.Generator().manual_seed(seed), sizes)


def _random_batches(g: torch.Generator) -> tuple:
    n = int(torch.randint(2, 6, (1,), generator=g))
    sizes = torch.randint(1, 7, (n,), generator=g).tolist()
    lr = [0.05, 0.1, 0.2][int(torch.randint(0, 3, (1,), generator=g))]
    return _batches(g, sizes), lr


def _sizes(batches: list) -> str:
    return f"{len(batches)} batch{'es' * (len(batches) != 1)} of sizes {[len(x) for x, _ in batches]}"


CHECKS = [
    Check(
        "one epoch over a list of batches",
        target="train_one_epoch",
        args=[(_fixed(1, [4, 4, 4]), 0.1), (_fixed(2, [2]), 0.1), (_fixed(3, [3, 3, 1]), 0.2)],
        random=_random_batches,
        probe=_probe_epoch,
        describe=lambda b, lr: f"train_one_epoch(a small MLP, {_sizes(b)}, nn.MSELoss(), SGD(lr={lr}))",
        hints=EPOCH_HINTS,
    ),
    Check(
        "training mode is set",
        target="train_one_epoch",
        args=[(_fixed(4, [4, 4, 4]), 0.1), (_fixed(5, [5, 2]), 0.2)],
        random=_random_batches,
        n_random=2,
        probe=_probe_dropout,
        describe=lambda b, lr: f"train_one_epoch(an MLP with Dropout, left in eval mode, {_sizes(b)}, "
        f"nn.MSELoss(), SGD(lr={lr})), then model(x)",
        hints={
            **EPOCH_HINTS,
            STEPS: "Call `model.train()` before the loop: in evaluation mode Dropout is switched off, so every "
            "step trains a different network.",
            AFTER: "Leave the model in training mode: call `model.train()` at the start of the epoch and do not "
            "switch to `model.eval()` inside `train_one_epoch`.",
        },
    ),
    Check(
        "leftover gradients are cleared",
        target="train_one_epoch",
        args=[(_fixed(6, [4, 4]), 0.1), (_fixed(7, [3]), 0.2)],
        random=_random_batches,
        n_random=2,
        probe=_probe_stale,
        describe=lambda b, lr: f"train_one_epoch(a small MLP whose .grad still held gradients from an earlier "
        f"backward(), {_sizes(b)}, nn.MSELoss(), SGD(lr={lr}))",
        hints={**EPOCH_HINTS, STEPS: "Clear the gradients at the start of every step, before `loss.backward()`: "
               "`.grad` may still hold gradients from before the epoch."},
    ),
    Check(
        "one epoch over a DataLoader",
        target="train_one_epoch",
        args=[(7, 3), (4, 4), (5, 1)],
        random=lambda g: (int(torch.randint(2, 11, (1,), generator=g)), int(torch.randint(1, 5, (1,), generator=g))),
        probe=_probe_loader,
        describe=lambda n, b: f"train_one_epoch(nn.Linear(4, 3), DataLoader(TensorDataset of {n} samples, "
        f"batch_size={b}, shuffle=False), nn.CrossEntropyLoss(), SGD(lr=0.5))",
        hints=EPOCH_HINTS,
    ),
    Check(
        "fit",
        target="fit",
        args=[(_fixed(8, [4, 4, 4]), 3), (_fixed(9, [2, 3]), 1), (_fixed(10, [4]), 0)],
        random=lambda g: (_random_batches(g)[0], int(torch.randint(1, 5, (1,), generator=g))),
        probe=_probe_fit,
        describe=lambda b, e: f"fit(a small MLP, {_sizes(b)}, nn.MSELoss(), SGD(lr=0.1), epochs={e})",
        hints={
            f"{STEPS}.length": "Train for exactly `epochs` epochs (none for `epochs=0`): one `train_one_epoch` call each.",
            "returned": "Return a list with one Python float per epoch, in order: the value each "
            "`train_one_epoch` call returned.",
        },
        depends_on=("train_one_epoch",),
    ),
]
