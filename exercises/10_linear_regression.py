"""10 · Linear regression, end to end

The guides' running example, start to finish. Make data whose answer you know:
features X of shape (n, d) and targets y = X @ w_true + b_true + a little noise,
drawn from a seeded `torch.Generator` (its own random stream, so the data are
reproducible and the global random state is left alone, as in 05). Fit an
`nn.Linear(d, 1)` model (03) with the training loop of 04: `torch.optim.SGD`,
`nn.MSELoss()`, and per batch `zero_grad()`, `backward()`, `step()`. Then check
the answer against the exact least-squares solution, `torch.linalg.lstsq`.

Two things go wrong silently here. First, shapes: `nn.Linear(d, 1)` predicts
shape (b, 1), while y is (b,). `nn.MSELoss()(pred, y)` then *broadcasts* the
two (01) to a (b, b) matrix of every prediction minus every target and
averages that, with only a UserWarning: make the shapes equal
(`pred.squeeze(1)` or `y.unsqueeze(1)`) before the loss. Second, the learning
rate: gradient descent on MSE is stable only below a limit set by the data
(for standard-normal features, somewhere below 1, and lower for small
batches). Above it every step overshoots further: the loss grows and the
weights become huge, then inf, then NaN. No error is raised; a diverging run
is a result you have to notice, by watching the loss.

Predicting needs no gradients: wrap it in `torch.no_grad()` (or
`torch.inference_mode()`), as in 06.

Fill in each function, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 10
"""

import torch
from torch import Tensor, nn


def make_data(w_true: Tensor, b_true: float, n: int, noise_std: float, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Return `(X, y)`: n samples of a linear model with known weights.

    `w_true` is a float32 tensor of shape (d,). Draw, from `generator` only and in this order:
    1. `X = torch.randn(n, d, generator=generator)`, shape (n, d);
    2. the noise, `noise_std * torch.randn(n, generator=generator)`, shape (n,).
    Then `y = X @ w_true + b_true + noise`, shape (n,), computed from w_true with tensor operations
    (if w_true requires grad, so does y). Both float32. Never touch the global random state
    (no `torch.manual_seed`, no `torch.randn` without `generator=`).

    >>> X, y = make_data(torch.tensor([2.0, -3.4]), 4.2, 5, 0.01, torch.Generator().manual_seed(0))
    >>> X.shape, y.shape
    (torch.Size([5, 2]), torch.Size([5]))
    """
    # TODO
    raise NotImplementedError


def train(model: nn.Linear, X: Tensor, y: Tensor, lr: float, epochs: int, batch_size: int) -> list[float]:
    """Fit `model` (an `nn.Linear(d, 1)`, trained in place) to X (n, d) and y (n,) by minibatch SGD,
    and return the mean batch loss of each epoch (a list of `epochs` Python floats).

    Use `torch.optim.SGD(model.parameters(), lr=lr)` and `nn.MSELoss()` (the mean of the squared
    errors, with no factor 1/2). Every epoch visits the batches in order, without shuffling:
    rows `i : i + batch_size` for i = 0, batch_size, 2 * batch_size, ... (the last batch may be
    smaller). For each batch: clear the gradients, compute the loss between the predictions and
    the targets with the SAME shape (the model predicts (b, 1), the targets are (b,)), call
    `backward()`, take an optimizer step. The epoch's loss is the mean of its batches' `loss.item()`.

    >>> model = nn.Linear(2, 1)
    >>> train(model, X, y, lr=0.1, epochs=3, batch_size=2)   # three floats, going down
    >>> train(model, X, y, lr=0.1, epochs=0, batch_size=2)
    []
    """
    # TODO
    raise NotImplementedError


def predict(model: nn.Module, X: Tensor) -> Tensor:
    """Return the model's predictions for X (n, d) as a tensor of shape (n,), without autograd:
    the result does not require grad, and no gradient can reach the model's parameters through it.
    (Calling `model.eval()` first is fine: it changes nothing for `nn.Linear`, and is a good habit.)

    >>> model = nn.Linear(2, 1)
    >>> predict(model, torch.zeros(3, 2)).shape, predict(model, torch.zeros(3, 2)).requires_grad
    (torch.Size([3]), False)
    """
    # TODO
    raise NotImplementedError


def closed_form(X: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
    """Return `(w, b)`, the least-squares fit of y ≈ X @ w + b, with `torch.linalg.lstsq`.

    Give X (n, d) an extra column of ones for the bias, A = [X | 1] of shape (n, d + 1), solve
    `torch.linalg.lstsq(A, y).solution` (shape (d + 1,)), and split it: w of shape (d,), b a 0-dim
    tensor. Both have X's dtype, and are differentiable with respect to X and y (no `.detach()`,
    no `.item()`). n is at least d + 1.

    >>> X = torch.tensor([[0.0], [1.0], [2.0]]); closed_form(X, 3 * X[:, 0] + 1)
    (tensor([3.]), tensor(1.0000))
    """
    # TODO
    raise NotImplementedError


def recover(w_true: Tensor, b_true: float, seed: int) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Put it together, and return `(w_sgd, b_sgd, w_exact, b_exact)`.

    Make 200 samples with noise 0.01: `make_data(w_true, b_true, 200, 0.01,
    torch.Generator().manual_seed(seed))`. Create `nn.Linear(d, 1)` and `train` it, with a
    learning rate, number of epochs and batch size of your choice (a few dozen steps can be
    enough; at most 5,000), then solve the same data with `closed_form`. w_sgd (d,) and b_sgd
    (0-dim) are the trained model's weight and bias, detached. The check accepts SGD weights
    within 0.01 of its own converged run, which is within 0.002 of the exact answer; a run that
    diverges is reported as such.

    >>> w_sgd, b_sgd, w_exact, b_exact = recover(torch.tensor([2.0, -3.4]), 4.2, seed=0)
    >>> w_sgd, w_exact    # both close to tensor([ 2.0000, -3.4000])
    """
    # TODO
    raise NotImplementedError
