"""09 · Evaluation and metrics: a reference solution (learners see this with `pytorch-tutor solution 09`
once they have passed)."""

from typing import Callable, Iterable

import torch
from torch import Tensor, nn


def evaluate(
    model: nn.Module,
    loader: Iterable[tuple[Tensor, Tensor]],
    loss_fn: Callable[[Tensor, Tensor], Tensor],
) -> tuple[float, float]:
    # Remember the mode to hand the model back as we found it: evaluate() is called in the
    # middle of training, and a model left in eval mode would train without Dropout.
    was_training = model.training
    # eval(): Dropout keeps every unit, BatchNorm normalises with its running statistics
    # (and stops updating them), so the numbers describe the model as it will be used.
    model.eval()
    total_loss, correct, seen = 0.0, 0, 0
    try:
        # no_grad(): nothing here calls backward(), so don't record a graph (memory, time).
        with torch.no_grad():
            for inputs, targets in loader:
                outputs = model(inputs)
                n = len(targets)
                # loss_fn returns the mean over the batch: weight it by the batch's size, so a
                # smaller last batch counts for what it holds, not as much as a full one.
                total_loss += loss_fn(outputs, targets).item() * n
                correct += (outputs.argmax(dim=1) == targets).sum().item()
                seen += n
    finally:
        model.train(was_training)  # also when the loop raised
    return total_loss / seen, correct / seen


def confusion_matrix(preds: Tensor, targets: Tensor, num_classes: int) -> Tensor:
    # Row = true class, column = predicted class: sample k adds 1 at [targets[k], preds[k]].
    # Number each cell row * num_classes + column and count the cells with bincount;
    # minlength makes room for classes that never occur, so the reshape always fits.
    cells = targets * num_classes + preds
    counts = torch.bincount(cells, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


def precision_recall_f1(confusion: Tensor) -> tuple[float, float, float]:
    m = confusion.double()
    tp = m.diagonal()
    predicted = m.sum(dim=0)  # column c: everything predicted as c
    actual = m.sum(dim=1)  # row c: everything whose true class is c
    # 0 / 0 is nan, and one nan makes the mean nan: a class never predicted has precision 0,
    # a class never present has recall 0, and it still counts in the macro average.
    zero = torch.zeros_like(tp)
    precision = torch.where(predicted > 0, tp / predicted, zero)
    recall = torch.where(actual > 0, tp / actual, zero)
    both = precision + recall
    f1 = torch.where(both > 0, 2 * precision * recall / both, zero)
    # Macro: the plain mean over classes, so every class weighs the same, however rare;
    # macro F1 is the mean of the per-class F1s, not the F1 of the two means.
    return precision.mean().item(), recall.mean().item(), f1.mean().item()
