"""10 · Linear regression, end to end: a reference solution (learners see this with `pytorch-tutor solution 10`
once they have passed).

The same model solved twice: by gradient descent, the way every larger network is trained, and
exactly, by least squares. On well-behaved data the two agree to a few thousandths, which is the
point: SGD finds the answer the algebra gives, without ever forming it.
"""

import torch
from torch import Tensor, nn


def make_data(w_true: Tensor, b_true: float, n: int, noise_std: float, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    # Every draw names the generator: the data depend only on its seed, and the global random
    # state (model initialisation, dropout, shuffling elsewhere) is left exactly as it was.
    X = torch.randn(n, w_true.shape[0], generator=generator)
    noise = noise_std * torch.randn(n, generator=generator)
    # (n, d) @ (d,) is (n,): one target per row. Adding the float b_true broadcasts.
    return X, X @ w_true + b_true + noise


def train(model: nn.Linear, X: Tensor, y: Tensor, lr: float, epochs: int, batch_size: int) -> list[float]:
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    epoch_losses = []
    for _ in range(epochs):
        batch_losses = []
        for start in range(0, len(X), batch_size):
            inputs, targets = X[start : start + batch_size], y[start : start + batch_size]
            optimizer.zero_grad()  # backward() adds to .grad: clear the previous batch's gradients first
            # nn.Linear(d, 1) predicts (b, 1); squeeze(1) makes it (b,) like the targets. Without it,
            # (b, 1) - (b,) broadcasts to (b, b) and the loss averages every prediction against every target.
            # squeeze(1), not squeeze(): a batch of one row must stay (1,), not become a 0-dim tensor.
            loss = loss_fn(model(inputs).squeeze(1), targets)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())  # a Python float: keeping the tensor would keep its graph
        epoch_losses.append(sum(batch_losses) / len(batch_losses))
    return epoch_losses


def predict(model: nn.Module, X: Tensor) -> Tensor:
    # No graph is recorded under no_grad: less memory and time, and the predictions are plain
    # tensors that cannot leak gradients back into the model.
    with torch.no_grad():
        return model(X).squeeze(1)


def closed_form(X: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
    # A column of ones turns the bias into one more weight: X @ w + b == [X | 1] @ [w; b].
    A = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)
    # lstsq minimises ||A @ s - y||² with a QR-type factorisation: more accurate than solving the normal
    # equations (A.T A) s = A.T y, which square A's condition number. It is differentiable, too.
    solution = torch.linalg.lstsq(A, y).solution
    return solution[:-1], solution[-1]


def recover(w_true: Tensor, b_true: float, seed: int) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    X, y = make_data(w_true, b_true, 200, 0.01, torch.Generator().manual_seed(seed))
    model = nn.Linear(len(w_true), 1)
    # Standard-normal features: lr=0.2 is well inside the stable range (a few times larger diverges).
    # 10 epochs of 4 batches is 40 steps, enough to land within about 0.001 of the exact answer.
    train(model, X, y, lr=0.2, epochs=10, batch_size=50)
    w_exact, b_exact = closed_form(X, y)
    # .detach(): the caller gets numbers to compare, not parameters still tied to the model.
    return model.weight.detach()[0], model.bias.detach()[0], w_exact, b_exact
