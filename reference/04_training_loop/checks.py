"""What `pytorch-tutor check 04` establishes, and the known mistakes it recognises.

Every probe builds its own small model (deterministic weights from `fill_parameters`),
batches, loss and SGD optimizer, trains with the learner's code, and returns the
number of optimizer steps it took, the loss(es) it reported and the weights it ended with.
"""

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from grader.kit import Check, Mistake, fill_parameters

HINTS = [
    "Every batch is the same four steps: clear the gradients, forward pass and loss, backward, optimizer step. "
    "Before the loop, put the model in training mode.",
    "Useful calls: `model.train()`, `optimizer.zero_grad()`, `loss = loss_fn(model(inputs), targets)`, "
    "`loss.backward()`, `optimizer.step()`, and `loss.item()` to keep the loss as a Python float.",
    "Clear gradients before `backward()` (they accumulate), step after it, and return "
    "`sum of loss.item() over batches / number of batches`. `fit` collects one such float per epoch.",
    "Nearly there: `model.train()`, then for each `(inputs, targets)`: `optimizer.zero_grad()`, "
    "`loss = loss_fn(model(inputs), targets)`, `loss.backward()`, `optimizer.step()`, `total += loss.item()`; "
    "return `total / number_of_batches`. `fit` is `[train_one_epoch(...) for _ in range(epochs)]`.",
]


# ---- building blocks, made identically in both processes ----------------------------------------


def _model(*layers: nn.Module) -> nn.Module:
    model = nn.Sequential(*layers)
    fill_parameters(model)
    return model


def _sgd(model: nn.Module, lr: float, steps: list) -> torch.optim.Optimizer:
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    optimizer.register_step_pre_hook(lambda *_: steps.append(1))  # counts optimizer.step() calls
    return optimizer


def _as_float(value):
    """A float subclass (e.g. numpy.float64) is a float: report it as one."""
    return float(value) if isinstance(value, float) else value


def _weights(model: nn.Module) -> list:
    return [p.detach().clone() for p in model.parameters()]


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


# ---- probes ---------------------------------------------------------------------------------------


def _probe_epoch(ns, batches, lr):
    model, steps = _model(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)), []
    returned = ns.train_one_epoch(model, batches, nn.MSELoss(), _sgd(model, lr, steps))
    return {"optimizer.step() calls": len(steps), "returned": _as_float(returned), "final weights": _weights(model)}


def _probe_dropout(ns, batches, lr):
    model, steps = _model(nn.Linear(3, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 2)), []
    model.eval()  # left in evaluation mode, e.g. by an earlier validation pass
    returned = ns.train_one_epoch(model, batches, nn.MSELoss(), _sgd(model, lr, steps))
    return {
        "model.training afterwards": model.training,
        "optimizer.step() calls": len(steps),
        "returned": _as_float(returned),
        "final weights": _weights(model),
    }


def _probe_stale(ns, batches, lr):
    model, steps = _model(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)), []
    x, y = batches[0]
    (model(x) - y).pow(3).sum().backward()  # an earlier backward() left gradients in .grad
    returned = ns.train_one_epoch(model, batches, nn.MSELoss(), _sgd(model, lr, steps))
    return {"optimizer.step() calls": len(steps), "returned": _as_float(returned), "final weights": _weights(model)}


def _probe_loader(ns, n, batch_size):
    g = torch.Generator().manual_seed(100 * n + batch_size)
    data = TensorDataset(torch.randn(n, 4, generator=g), torch.randint(0, 3, (n,), generator=g))
    model, steps = _model(nn.Linear(4, 3)), []
    loader = DataLoader(data, batch_size=batch_size, shuffle=False)
    returned = ns.train_one_epoch(model, loader, nn.CrossEntropyLoss(), _sgd(model, 0.5, steps))
    return {"optimizer.step() calls": len(steps), "returned": _as_float(returned), "final weights": _weights(model)}


def _probe_fit(ns, batches, epochs):
    model, steps = _model(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)), []
    returned = ns.fit(model, batches, nn.MSELoss(), _sgd(model, 0.1, steps), epochs)
    if isinstance(returned, list):
        returned = [_as_float(v) for v in returned]
    return {"optimizer.step() calls": len(steps), "returned": returned, "final weights": _weights(model)}


def _random_loader(g: torch.Generator) -> tuple:
    return int(torch.randint(2, 11, (1,), generator=g)), int(torch.randint(1, 5, (1,), generator=g))


def _random_fit(g: torch.Generator) -> tuple:
    batches, _ = _random_batches(g)
    return batches, int(torch.randint(1, 5, (1,), generator=g))


CHECKS = [
    Check(
        "one epoch over a list of batches",
        target="train_one_epoch",
        args=[(_fixed(1, [4, 4, 4]), 0.1), (_fixed(2, [2]), 0.1), (_fixed(3, [3, 3, 1]), 0.2)],
        random=_random_batches,
        probe=_probe_epoch,
        describe=lambda b, lr: f"train_one_epoch(a small MLP, {_sizes(b)}, nn.MSELoss(), SGD(lr={lr}))",
    ),
    Check(
        "training mode is set",
        target="train_one_epoch",
        args=[(_fixed(4, [4, 4, 4]), 0.1), (_fixed(5, [5, 2]), 0.2)],
        random=_random_batches,
        n_random=2,
        probe=_probe_dropout,
        describe=lambda b, lr: f"train_one_epoch(an MLP with Dropout, left in eval mode, {_sizes(b)}, "
        f"nn.MSELoss(), SGD(lr={lr}))",
        hint="Call `model.train()` before the loop: Dropout is only active in training mode.",
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
        hint="Clear the gradients at the start of every step, before `loss.backward()`.",
    ),
    Check(
        "one epoch over a DataLoader",
        target="train_one_epoch",
        args=[(7, 3), (4, 4), (5, 1)],
        random=_random_loader,
        probe=_probe_loader,
        describe=lambda n, b: f"train_one_epoch(nn.Linear(4, 3), DataLoader(TensorDataset of {n} samples, "
        f"batch_size={b}, shuffle=False), nn.CrossEntropyLoss(), SGD(lr=0.5))",
    ),
    Check(
        "fit",
        target="fit",
        args=[(_fixed(8, [4, 4, 4]), 3), (_fixed(9, [2, 3]), 1), (_fixed(10, [4]), 0)],
        random=_random_fit,
        probe=_probe_fit,
        describe=lambda b, e: f"fit(a small MLP, {_sizes(b)}, nn.MSELoss(), SGD(lr=0.1), epochs={e})",
        hint="`fit` returns a list with one Python float per epoch, the value `train_one_epoch` returned.",
    ),
]


# ---- known mistakes: each is a whole wrong `train_one_epoch`, and a `fit` that calls it ----------


def _fit_with(train):
    return lambda model, loader, loss_fn, optimizer, epochs: [
        train(model, loader, loss_fn, optimizer) for _ in range(epochs)
    ]


def _epoch(order: str = "zbs", train_mode: bool = True, record=lambda loss, x: loss.item(), summary=None):
    """A train_one_epoch whose step does z(ero_grad), b(ackward) and s(tep) in `order`."""

    def train_one_epoch(model, loader, loss_fn, optimizer):
        if train_mode:
            model.train()
        losses = []
        for inputs, targets in loader:
            for op in order:
                if op == "z":
                    optimizer.zero_grad()
                elif op == "b":
                    loss = loss_fn(model(inputs), targets)
                    loss.backward()
                else:
                    optimizer.step()
            losses.append(record(loss, inputs))
        return summary(losses) if summary else sum(losses) / len(losses)

    return train_one_epoch


def _mistake(name: str, hint: str, **kwargs) -> Mistake:
    train = _epoch(**kwargs)
    return Mistake(name, hint, {"train_one_epoch": train, "fit": _fit_with(train)})


def _weighted_mean(losses: list) -> float:
    return sum(loss * n for loss, n in losses) / sum(n for _, n in losses)


MISTAKES = [
    _mistake(
        "no_zero_grad",
        "Gradients accumulate: every `loss.backward()` adds to `.grad`. Call `optimizer.zero_grad()` at the start "
        "of each step, or each update also contains the gradients of all earlier batches.",
        order="bs",
    ),
    _mistake(
        "zero_grad_after_backward",
        "`optimizer.step()` updates the weights from `.grad`; zeroing the gradients between `loss.backward()` and "
        "`optimizer.step()` throws them away, so nothing is learned. Order: `zero_grad()`, forward, `backward()`, `step()`.",
        order="bzs",
    ),
    _mistake(
        "no_step",
        "`loss.backward()` only computes gradients; the weights change when you call `optimizer.step()` after it.",
        order="zb",
    ),
    _mistake(
        "zero_grad_after_step",
        "Clear the gradients at the start of each step, before `loss.backward()`: when you zero them only after "
        "`optimizer.step()`, gradients left in `.grad` before the epoch (by an evaluation or an earlier backward) "
        "leak into the first update.",
        order="bsz",
    ),
    _mistake(
        "no_train_mode",
        "Call `model.train()` at the start of the epoch: a model left in evaluation mode (after `model.eval()`) "
        "switches Dropout off and BatchNorm to its running statistics, so it does not train as intended.",
        train_mode=False,
    ),
    _mistake(
        "last_batch_loss",
        "Return the mean over all batches of the epoch, not the last batch's loss: add up `loss.item()` for every "
        "batch and divide by the number of batches.",
        summary=lambda losses: losses[-1],
    ),
    _mistake(
        "returns_tensor",
        "Keep losses as Python numbers with `loss.item()`: adding up the loss tensors returns a tensor and keeps "
        "every batch's autograd graph alive in memory.",
        record=lambda loss, x: loss,
    ),
    _mistake(
        "weighted_by_batch_size",
        "Return the plain mean of the batch losses (sum of `loss.item()` divided by the number of batches), "
        "not a mean weighted by batch size: each batch counts once.",
        record=lambda loss, x: (loss.item(), len(x)),
        summary=_weighted_mean,
    ),
]
