"""04 · The training loop

Training repeats one *step* for every batch of data:

    optimizer.zero_grad()                 # 1. clear the gradients of the previous step
    loss = loss_fn(model(inputs), targets) # 2. forward pass and loss
    loss.backward()                       # 3. backward: fill each parameter's .grad
    optimizer.step()                      # 4. update the parameters from their .grad

Gradients *accumulate*: `backward()` adds to `.grad`, so forgetting step 1
mixes every earlier batch into the current update. `optimizer.step()` reads
`.grad`, so it must come after `backward()`. Layers such as Dropout and
BatchNorm behave differently in training and evaluation: call `model.train()`
before training (and `model.eval()` before evaluating). To keep a loss for
reporting, take its number with `loss.item()`: a loss tensor still holds the
whole autograd graph of its batch.

One pass over all the batches is an *epoch*; `fit` runs several.

Fill in each function, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 04
"""

from typing import Callable, Iterable

import torch
from torch import Tensor, nn


def train_one_epoch(
    model: nn.Module,
    loader: Iterable[tuple[Tensor, Tensor]],
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    optimizer: torch.optim.Optimizer,
) -> float:
    """Train `model` for one epoch and return the mean of the batch losses as a Python float.

    Put the model in training mode (and leave it there), then for every batch
    `(inputs, targets)` in `loader` (a DataLoader or any iterable of pairs): clear
    the gradients, compute `loss_fn(model(inputs), targets)`, call `backward()` on
    it, and take one optimizer step. The result is the plain average of the
    per-batch loss values: each batch counts once, whatever its size.

    >>> model = nn.Linear(1, 1); opt = torch.optim.SGD(model.parameters(), lr=0.1)
    >>> batches = [(torch.ones(2, 1), torch.zeros(2, 1))] * 3
    >>> train_one_epoch(model, batches, nn.MSELoss(), opt)   # a float such as 0.83
    """
    # TODO
    raise NotImplementedError


def fit(
    model: nn.Module,
    loader: Iterable[tuple[Tensor, Tensor]],
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    optimizer: torch.optim.Optimizer,
    epochs: int,
) -> list[float]:
    """Train for `epochs` epochs and return the list of epoch losses (Python floats), in order.

    >>> fit(model, batches, nn.MSELoss(), opt, epochs=3)   # e.g. [0.83, 0.41, 0.2]
    >>> fit(model, batches, nn.MSELoss(), opt, epochs=0)
    []
    """
    # TODO
    raise NotImplementedError
