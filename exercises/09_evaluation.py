"""09 · Evaluation and metrics

Training (04) changes the model; evaluation only measures it, on data it did
not train on. Two switches make the measurement honest and cheap:

    model.eval()           # Dropout keeps every unit; BatchNorm uses its running
                           # statistics (and stops updating them)
    with torch.no_grad():  # autograd records nothing: no graph, less memory
        ...                # (torch.inference_mode() goes further, and works too)

`model.eval()` is `model.train(False)`: it sets the mode of every submodule,
and `model.training` tells which mode the model is in. Evaluation usually runs
in the middle of training (once per epoch), so hand the model back in the mode
you found it in: `was_training = model.training` first, `model.train(was_training)`
last. As in 06, eval() and no_grad do different jobs, and you need both.

A DataLoader (05) with `drop_last=False` ends with a smaller batch when the
data does not divide evenly. A loss function such as `nn.CrossEntropyLoss()`
returns the mean over its batch, so the mean over the whole data set weights
each batch's loss by its number of samples (04's plain mean of batch losses
was a running summary of training; an evaluation reports the mean over
samples), and accuracy is correct predictions over all samples, not a mean of
per-batch accuracies.

One number hides where a classifier goes wrong. The *confusion matrix* counts,
for every true class (row) and predicted class (column), how many samples
fell there. From it, per class c: precision = M[c, c] / column sum (of the
samples predicted as c, how many are c), recall = M[c, c] / row sum (of the
samples that are c, how many were found), and F1 = 2PR / (P + R). *Macro*
averaging takes the plain mean over classes, so a rare class counts as much as
a common one. (Libraries such as torchmetrics provide these; here you write them.)

Fill in each function, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 09
"""

from typing import Callable, Iterable

import torch
from torch import nn


def evaluate(
    model: nn.Module,
    loader: Iterable[tuple[torch.Tensor, torch.Tensor]],
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> tuple[float, float]:
    """Return `(mean loss, accuracy)` of a classifier over every sample in `loader`, as two Python floats.

    `loader` is a DataLoader or any iterable of `(inputs, targets)` batches; batches may differ in
    size (a smaller last batch). `model(inputs)` gives logits of shape (n, C); `targets` holds class
    indices of shape (n,); `loss_fn(outputs, targets)` returns the mean loss over its batch.

    - Evaluate in eval mode (`model.eval()`), with autograd off (`torch.no_grad()`): compute every
      output and every loss inside it.
    - Mean loss: each batch's loss weighted by its number of samples, divided by the number of
      samples. Accuracy: the fraction of samples whose largest logit (`argmax(dim=1)`) is the
      target, in [0, 1], counted over all samples, not averaged over batches.
    - Leave the model in the mode you found it in: a model in training mode goes back to training
      mode (`model.train(was_training)`), one in eval mode stays in eval mode.

    >>> model = nn.Linear(2, 3); data = [(torch.randn(4, 2), torch.tensor([0, 1, 2, 0])), (torch.randn(2, 2), torch.tensor([1, 1]))]
    >>> evaluate(model, data, nn.CrossEntropyLoss())   # two floats, e.g. (0.937, 0.833): 5 of 6 right
    >>> model.training                                 # as before the call
    True
    """
    # TODO
    raise NotImplementedError


def confusion_matrix(preds: torch.Tensor, targets: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Return the int64 confusion matrix of shape (num_classes, num_classes): entry [i, j] counts the
    samples whose true class is i (ROW = target) and whose predicted class is j (COLUMN = prediction).

    `preds` and `targets` are int64 tensors of class indices in [0, num_classes), of the same length
    (possibly 0: then every count is 0). Classes that never occur still get their row and column.
    Leave `preds` and `targets` unchanged.

    >>> confusion_matrix(torch.tensor([0, 2, 1, 1]), torch.tensor([0, 1, 1, 2]), 3)
    tensor([[1, 0, 0],
            [0, 1, 1],
            [0, 1, 0]])
    """
    # TODO
    raise NotImplementedError


def precision_recall_f1(confusion: torch.Tensor) -> tuple[float, float, float]:
    """Return the macro-averaged `(precision, recall, f1)` of a confusion matrix (rows = true class,
    columns = predicted class, as `confusion_matrix` makes it), as three Python floats.

    For each class c, with tp = confusion[c, c]:
        precision_c = tp / (column c's sum),  or 0.0 when class c was never predicted (sum 0)
        recall_c    = tp / (row c's sum),     or 0.0 when class c never occurs (sum 0)
        f1_c        = 2 * precision_c * recall_c / (precision_c + recall_c),  or 0.0 when that sum is 0
    Each result is the plain mean of the per-class values over ALL classes, those with zero
    denominators included (so macro F1 is the mean of the f1_c, not the F1 of the two means).
    Leave `confusion` unchanged.

    >>> precision_recall_f1(torch.tensor([[2, 0], [1, 1]]))    # P = (2/3 + 1/1) / 2, R = (2/2 + 1/2) / 2
    (0.8333333333333333, 0.75, 0.7333333333333334)
    >>> precision_recall_f1(torch.tensor([[1, 0], [1, 0]]))    # class 1 never predicted
    (0.25, 0.5, 0.3333333333333333)
    """
    # TODO
    raise NotImplementedError
