"""What `pytorch-tutor check 09` establishes (docs/authoring.md). Known mistakes: mistakes/*.py.

Every `evaluate` probe builds its own small classifier (deterministic weights from
`fill_parameters`), data and loss, and judges behaviour by what it can see from outside:
- eval mode, from the returned numbers of a model with Dropout AND BatchNorm (in training
  mode Dropout drops units and BatchNorm uses batch statistics) and from BatchNorm's
  running statistics afterwards (training mode updates them, even under no_grad);
- no_grad, from the model's outputs (a forward hook) and the losses the probe's own loss
  function built: they require grad only when autograd was recording;
- the mode afterwards, from `model.training` and from the model's output on a fixed batch
  (Dropout and BatchNorm make it differ between the modes), so a top-level flag set by hand
  is not enough;
- sample weighting, from loaders whose last batch is smaller.
The metrics probes pass tensors in and return the result with the inputs as they are
afterwards. Nothing here computes an answer: that is the reference's job.
"""

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from grader.kit import Check, fill_parameters

HINTS = {
    "evaluate": [
        "Evaluation is the training loop without the training: switch the model to evaluation mode, switch "
        "autograd off, and add up loss and correct predictions over every sample; then restore the mode.",
        "Useful calls: `was_training = model.training`, `model.eval()`, `with torch.no_grad():`, "
        "`loss_fn(outputs, targets).item() * len(targets)`, `(outputs.argmax(dim=1) == targets).sum().item()`, "
        "and `model.train(was_training)` at the end.",
        "Nearly there: keep `total_loss`, `correct` and `seen` (samples); per batch add `loss.item() * n`, the "
        "number correct and `n`; return `(total_loss / seen, correct / seen)` after `model.train(was_training)`.",
    ],
    "confusion_matrix": [
        "Row = true class, column = predicted class: sample k adds one at `[targets[k], preds[k]]`.",
        "Vectorised: number each cell `targets * num_classes + preds` and count with "
        "`torch.bincount(..., minlength=num_classes ** 2)`; or `index_put_` with `accumulate=True`.",
        "Nearly there: `torch.bincount(targets * num_classes + preds, minlength=num_classes * num_classes)"
        ".reshape(num_classes, num_classes)`.",
    ],
    "precision_recall_f1": [
        "Per class c: precision = correct c / predicted c (the column sum), recall = correct c / true c (the row "
        "sum); macro = the plain mean over classes.",
        "`tp = m.diagonal()`, `m.sum(dim=0)` (predicted), `m.sum(dim=1)` (true). Where a denominator is 0 "
        "the value is 0: `torch.where(den > 0, tp / den, 0.0)` (the nan from 0 / 0 is never picked).",
        "Nearly there: per-class precision p and recall r as above, per-class f1 = "
        "`torch.where(p + r > 0, 2 * p * r / (p + r), 0.0)`; return `p.mean().item(), r.mean().item(), "
        "f1.mean().item()`.",
    ],
}


RETURN_FLOATS = "Return a tuple of two Python floats: `.item()` turns a one-element tensor into a number."


# ---- the classifiers and data, made identically in both processes -----------------------------------


def _plain() -> nn.Module:
    model = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3))
    fill_parameters(model)
    return model


def _dropout_bn() -> nn.Module:
    """Dropout and BatchNorm: its outputs differ between training and evaluation mode."""
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3))
    fill_parameters(model)
    bn = model[1]
    g = torch.Generator().manual_seed(9)
    with torch.no_grad():  # running statistics as if it had trained a while
        bn.running_mean.copy_(torch.randn(8, generator=g) * 0.5)
        bn.running_var.copy_(torch.rand(8, generator=g) + 0.5)
    return model


def _data(sizes: list[int], seed: int, make_model) -> list:
    """Batches of the given sizes, labelled so that batches differ: a fresh copy of the model (in
    eval mode) labels the full batches, mostly as it predicts them, and the last one wrongly."""
    g = torch.Generator().manual_seed(seed)
    teacher = make_model().eval()
    batches = []
    for i, n in enumerate(sizes):
        x = torch.randn(n, 4, generator=g)
        with torch.no_grad():
            predicted = teacher(x).argmax(dim=1)
        noise = torch.randint(0, 3, (n,), generator=g)
        if i == len(sizes) - 1 and len(sizes) > 1:
            labels = (predicted + 1) % 3
        else:
            labels = torch.where(torch.rand(n, generator=g) < 0.75, predicted, noise)
        batches.append((x, labels))
    return batches


def _loader(sizes: list[int], seed: int, as_loader: bool, make_model):
    batches = _data(sizes, seed, make_model)
    if not as_loader:
        return batches
    x = torch.cat([b[0] for b in batches])
    y = torch.cat([b[1] for b in batches])
    return DataLoader(TensorDataset(x, y), batch_size=sizes[0], shuffle=False)


class _RecordingLoss:
    """nn.CrossEntropyLoss() that notes, for each loss it returns, whether autograd recorded it."""

    def __init__(self):
        self.loss_fn = nn.CrossEntropyLoss()
        self.required_grad = []

    def __call__(self, outputs, targets):
        loss = self.loss_fn(outputs, targets)
        self.required_grad.append(bool(loss.requires_grad))
        return loss


def _as_floats(returned):
    """A float subclass (numpy.float64) counts as a float; anything else is reported as it is."""
    if isinstance(returned, (tuple, list)):
        return type(returned)(float(v) if isinstance(v, float) else v for v in returned)
    return returned


_PROBE_X = torch.randn(6, 4, generator=torch.Generator().manual_seed(77))


def _output_now(model: nn.Module):
    """The model's output on a fixed batch in whatever mode it is in, with a fixed Dropout mask."""
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(0)
        return model(_PROBE_X)


# ---- probes ------------------------------------------------------------------------------------------


def _probe_weighting(ns, sizes, seed, as_loader):
    model = _plain()
    returned = ns.evaluate(model, _loader(sizes, seed, as_loader, _plain), _RecordingLoss())
    return {"returned (loss, accuracy)": _as_floats(returned)}


def _probe_eval_mode(ns, sizes, seed, as_loader):
    model = _dropout_bn()
    model.train()
    returned = ns.evaluate(model, _loader(sizes, seed, as_loader, _dropout_bn), _RecordingLoss())
    return {
        "returned (loss, accuracy)": _as_floats(returned),
        "BatchNorm running_mean afterwards": model[1].running_mean.detach().clone(),
    }


def _probe_no_grad(ns, sizes, seed, as_loader):
    model, loss_fn, outputs = _plain(), _RecordingLoss(), []
    model.register_forward_hook(lambda module, args, out: outputs.append(bool(out.requires_grad)))
    returned = ns.evaluate(model, _loader(sizes, seed, as_loader, _plain), loss_fn)
    return {
        "returned (loss, accuracy)": _as_floats(returned),
        "some output or loss inside evaluate required grad": any(outputs) or any(loss_fn.required_grad),
    }


def _probe_mode(ns, sizes, seed, start_training):
    model = _dropout_bn()
    model.train(start_training)
    ns.evaluate(model, _loader(sizes, seed, True, _dropout_bn), _RecordingLoss())
    return {
        "model.training afterwards": model.training,
        "Dropout and BatchNorm .training afterwards": [model[1].training, model[3].training],
        "model(x) afterwards": _output_now(model),
    }


def _random_loader(g: torch.Generator) -> tuple:
    """A DataLoader whose last batch is smaller than the others."""
    full, count = int(torch.randint(3, 6, (1,), generator=g)), int(torch.randint(1, 4, (1,), generator=g))
    last = int(torch.randint(1, full, (1,), generator=g))
    return [full] * count + [last], int(torch.randint(0, 1000, (1,), generator=g)), True


def _show_loader(sizes, as_loader) -> str:
    batches = f"batches of {', '.join(map(str, sizes))}"
    if as_loader:
        return f"DataLoader({sum(sizes)} samples, batch_size={sizes[0]}, shuffle=False: {batches})"
    return f"a list of {len(sizes)} {batches}"


# ---- metrics -------------------------------------------------------------------------------------------


def _probe_confusion(ns, preds, targets, num_classes):
    result = ns.confusion_matrix(preds, targets, num_classes)
    return {"result": result, "preds afterwards": preds, "targets afterwards": targets}


def _random_confusion_inputs(g: torch.Generator) -> tuple:
    c, n = int(torch.randint(2, 6, (1,), generator=g)), int(torch.randint(1, 13, (1,), generator=g))
    return torch.randint(0, c, (n,), generator=g), torch.randint(0, c, (n,), generator=g), c


def _probe_metrics(ns, confusion):
    returned = ns.precision_recall_f1(confusion)
    return {"returned (precision, recall, f1)": _as_floats(returned), "the matrix passed in, afterwards": confusion}


def _random_matrix(g: torch.Generator, zero_lines: bool) -> tuple:
    c = int(torch.randint(2, 6, (1,), generator=g))
    m = torch.randint(0, 5, (c, c), generator=g) + torch.diag(torch.randint(1, 6, (c,), generator=g))
    if zero_lines:  # one class never predicted, another never present
        col, row = torch.randperm(c, generator=g)[:2].tolist()
        m[:, col] = 0
        m[row, :] = 0
    return (m,)


def _show_matrix(confusion) -> str:
    return f"precision_recall_f1(confusion={confusion.tolist()})"


CHECKS = [
    Check(
        "evaluate: mean loss and accuracy over every sample",
        target="evaluate",
        args=[([4, 4, 2], 1, True), ([5, 2], 2, False), ([3, 3, 3, 1], 3, True), ([6], 4, False)],
        random=_random_loader,
        n_random=2,
        probe=_probe_weighting,
        describe=lambda sizes, seed, as_loader: f"evaluate(a small MLP, {_show_loader(sizes, as_loader)}, "
        "nn.CrossEntropyLoss())",
        hint="Return `(mean loss, accuracy)` as two Python floats, each an average over samples, not over batches.",
        hints={"returned (loss, accuracy).type": RETURN_FLOATS},
    ),
    Check(
        "evaluate puts the model in eval mode (Dropout and BatchNorm)",
        target="evaluate",
        args=[([4, 4, 2], 5, True), ([3, 2], 6, False), ([5, 5, 1], 7, True)],
        probe=_probe_eval_mode,
        describe=lambda sizes, seed, as_loader: f"evaluate(an MLP with BatchNorm1d and Dropout, in training mode, "
        f"{_show_loader(sizes, as_loader)}, nn.CrossEntropyLoss())",
        hint="Call `model.eval()` before the loop: in training mode Dropout drops units at random and BatchNorm "
        "normalises with each batch's statistics (and updates its running ones).",
        hints={"returned (loss, accuracy).type": RETURN_FLOATS,
               "BatchNorm running_mean afterwards": "Evaluating changed BatchNorm's running statistics, so BatchNorm "
               "was in training mode (no_grad does not stop that): call `model.eval()` before the loop."},
    ),
    Check(
        "evaluate computes without gradients",
        target="evaluate",
        args=[([4, 4, 2], 8, True), ([2, 1], 9, False)],
        probe=_probe_no_grad,
        describe=lambda sizes, seed, as_loader: f"evaluate(a small MLP, {_show_loader(sizes, as_loader)}, "
        "nn.CrossEntropyLoss()), noting whether the model's outputs and the losses required grad",
        hint="Run the loop inside `with torch.no_grad():`.",
        hints={"returned (loss, accuracy).type": RETURN_FLOATS,
               "some output or loss inside evaluate required grad": "Autograd was recording inside evaluate: run the "
               "loop inside `with torch.no_grad():` (or `torch.inference_mode()`), so no graph is built for a "
               "backward() that never comes."},
    ),
    Check(
        "evaluate leaves the model's mode as it found it",
        target="evaluate",
        args=[([4, 2], 10, True), ([4, 2], 11, False), ([3, 3, 2], 12, True), ([3, 3, 2], 13, False)],
        probe=_probe_mode,
        describe=lambda sizes, seed, training: f"evaluate(an MLP with BatchNorm1d and Dropout, in "
        f"{'training' if training else 'evaluation'} mode, {_show_loader(sizes, True)}, nn.CrossEntropyLoss()), "
        "then the model's mode and its output on a fixed batch",
        hint="Note `was_training = model.training` first and end with `model.train(was_training)`, which sets "
        "every submodule's mode, so a model in training mode goes back to training and one in eval mode stays there.",
        hints={"model(x) afterwards": "The model no longer behaves as before evaluate (its output on a fixed batch "
               "differs), so some submodule (Dropout, BatchNorm) was left in the other mode. "
               "`model.train(was_training)` sets the mode of every submodule; `model.training = ...` sets only the "
               "top module's flag."},
    ),
    Check(
        "confusion_matrix",
        target="confusion_matrix",
        args=[
            (torch.tensor([0, 2, 1, 1, 0, 2]), torch.tensor([0, 1, 1, 2, 0, 1]), 3),
            (torch.tensor([1, 1, 1, 0]), torch.tensor([0, 1, 1, 1]), 2),
            (torch.tensor([0, 1, 0]), torch.tensor([1, 0, 0]), 4),
            (torch.tensor([2, 2, 0, 2]), torch.tensor([2, 0, 0, 2]), 3),
            (torch.tensor([], dtype=torch.long), torch.tensor([], dtype=torch.long), 3),
            (torch.tensor([0, 0]), torch.tensor([0, 0]), 1),
        ],
        random=_random_confusion_inputs,
        probe=_probe_confusion,
        describe=lambda p, t, c: f"confusion_matrix(preds={p.tolist()}, targets={t.tolist()}, num_classes={c})",
        hint="An int64 (num_classes, num_classes) matrix: row = true class, column = predicted class.",
        hints={"result.dtype": "Counts are integers: build the matrix as int64 (`torch.zeros(..., dtype=torch.long)`, "
               "or `torch.bincount`, which counts in int64).",
               "preds afterwards": "Leave `preds` unchanged: an in-place operation (`+=`, `*=`, `.add_()`) "
               "on it changes the caller's tensor; build new tensors instead.",
               "targets afterwards": "Leave `targets` unchanged: an in-place operation (`+=`, `*=`, `.add_()`) "
               "on it changes the caller's tensor; build new tensors instead."},
    ),
    Check(
        "precision_recall_f1",
        target="precision_recall_f1",
        args=[
            (torch.tensor([[3, 1, 0], [2, 4, 1], [0, 2, 5]]),),
            (torch.tensor([[5, 0], [0, 3]]),),
            (torch.tensor([[6, 2], [1, 1]]),),
            (torch.tensor([[7]]),),
        ],
        random=lambda g: _random_matrix(g, zero_lines=False),
        probe=_probe_metrics,
        describe=_show_matrix,
        hint="Per class: precision = diagonal / column sum (everything predicted as that class), recall = "
        "diagonal / row sum (everything truly that class), F1 = 2PR / (P + R); then the plain mean over classes.",
        hints={"returned (precision, recall, f1).type": "Return a tuple of three Python floats: `.item()` turns a "
               "one-element tensor into a number."},
    ),
    Check(
        "precision_recall_f1 with zero denominators",
        target="precision_recall_f1",
        args=[
            (torch.tensor([[3, 0, 1], [2, 0, 1], [0, 0, 4]]),),
            (torch.tensor([[2, 1, 0], [0, 0, 0], [1, 0, 3]]),),
            (torch.tensor([[4, 1, 0], [2, 3, 0], [0, 0, 0]]),),
            (torch.tensor([[0, 2], [3, 0]]),),
            (torch.zeros(3, 3, dtype=torch.long),),
        ],
        random=lambda g: _random_matrix(g, zero_lines=True),
        n_random=2,
        probe=_probe_metrics,
        describe=_show_matrix,
        hint="Where a denominator is 0 the value is 0 (precision of a class never predicted, recall of a class "
        "never present, F1 when P + R = 0), and that class still counts in the mean.",
    ),
]
