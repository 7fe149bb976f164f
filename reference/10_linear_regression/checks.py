"""What `pytorch-tutor check 10` establishes (docs/authoring.md). Known mistakes: mistakes/*.py.

Every probe builds its own inputs: data from explicitly seeded generators, models with
`fill_parameters`. Nothing here computes an answer; the expected results come from running
solution.py on the trusted side.
"""

import torch
from torch import nn

from grader.kit import Check, backpropagate, fill_parameters, short_repr, with_gradients

HINTS = {
    "make_data": [
        "Two draws from `generator`, X first and then the noise, and one line of arithmetic for y.",
        "`torch.randn(n, d, generator=generator)` for X, `noise_std * torch.randn(n, generator=generator)` for the "
        "noise; `X @ w_true` is already shape (n,).",
        "Nearly there: `X = torch.randn(n, len(w_true), generator=generator)`, "
        "`y = X @ w_true + b_true + noise_std * torch.randn(n, generator=generator)`, `return X, y`.",
    ],
    "train": [
        "It is 04's loop with an SGD optimizer, an `nn.MSELoss()` and batches you slice yourself: "
        "`for start in range(0, len(X), batch_size)`.",
        "The model predicts shape (b, 1) and the targets are (b,): `model(inputs).squeeze(1)` before the loss, "
        "or the loss broadcasts them to (b, b).",
        "Nearly there: `optimizer = torch.optim.SGD(model.parameters(), lr=lr)`; per batch "
        "`optimizer.zero_grad()`, `loss = nn.MSELoss()(model(xb).squeeze(1), yb)`, `loss.backward()`, "
        "`optimizer.step()`; append the mean of the epoch's `loss.item()` values.",
    ],
    "predict": [
        "Predictions need no autograd graph: compute them where autograd is switched off.",
        "Nearly there: `with torch.no_grad(): return model(X).squeeze(1)`.",
    ],
    "closed_form": [
        "The bias is one more weight if every row of X gets an extra feature that is always 1.",
        "`A = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)`, then `torch.linalg.lstsq(A, y).solution`.",
        "Nearly there: `s = torch.linalg.lstsq(A, y).solution; return s[:-1], s[-1]`.",
    ],
    "recover": [
        "Call your own functions in order: `make_data`, then `train` on a fresh `nn.Linear(d, 1)`, then `closed_form`.",
        "Watch the losses `train` returns: they must go down. lr=0.2 with batches of 50 for 10 epochs is plenty here.",
        "Nearly there: `X, y = make_data(w_true, b_true, 200, 0.01, torch.Generator().manual_seed(seed))`, "
        "`model = nn.Linear(len(w_true), 1)`, `train(model, X, y, 0.2, 10, 50)`, then return "
        "`model.weight.detach()[0], model.bias.detach()[0], *closed_form(X, y)`.",
    ],
}


# ---- inputs, made identically in both processes --------------------------------------------------


def _seeded(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _regression(seed: int, n: int, d: int, noise: float = 0.1, dtype=torch.float32) -> tuple:
    """X (n, d) and y (n,) of a random linear model: inputs for train, closed_form and predict."""
    g = _seeded(seed)
    X = torch.randn(n, d, generator=g, dtype=torch.float64)
    w, b = torch.randn(d, generator=g, dtype=torch.float64) * 2, float(torch.randn(1, generator=g)) * 2
    y = X @ w + b + noise * torch.randn(n, generator=g, dtype=torch.float64)
    return X.to(dtype), y.to(dtype)


def _linear(d: int, seed: int) -> nn.Linear:
    """nn.Linear(d, 1) with deterministic weights (its own init draws from the seeded global RNG, then is replaced)."""
    model = nn.Linear(d, 1)
    fill_parameters(model, seed)
    return model


def _tensor_text(t) -> str:
    return short_repr(t) if t.numel() <= 4 else f"tensor of shape {tuple(t.shape)}"


# ---- make_data -------------------------------------------------------------------------------------


def _probe_data(ns, w_true, b_true, n, noise_std, seed):
    w_true = w_true.detach().clone().requires_grad_(True)  # y must follow w_true through autograd
    X, y = ns.make_data(w_true, b_true, n, noise_std, _seeded(seed))
    # What the global generator gives next: the same on both sides unless the code drew from it or reseeded it.
    after = torch.rand(2)
    backpropagate(y, seed)  # a fixed random weighting of y, not y.sum()
    return {"X": X, "y": y, "gradient of w_true": w_true.grad,
            "torch.rand(2) after the call (the global random state)": after}


def _random_data(g: torch.Generator) -> tuple:
    d, n = int(torch.randint(1, 5, (1,), generator=g)), int(torch.randint(1, 12, (1,), generator=g))
    w = (torch.randn(d, generator=g) * 3).round(decimals=2)
    return w, round(float(torch.randn(1, generator=g)) * 3, 2), n, 0.1, int(torch.randint(0, 10_000, (1,), generator=g))


# ---- train -----------------------------------------------------------------------------------------


def _probe_train(ns, X, y, lr, epochs, batch_size):
    model = _linear(X.shape[1], seed=epochs + batch_size)
    returned = ns.train(model, X, y, lr, epochs, batch_size)
    if isinstance(returned, list):
        returned = [float(v) if isinstance(v, float) else v for v in returned]  # numpy.float64 is a float too
    return {"model.weight after training": model.weight.detach().clone(),
            "model.bias after training": model.bias.detach().clone(), "returned": returned}


def _random_train(g: torch.Generator) -> tuple:
    n, d = int(torch.randint(4, 13, (1,), generator=g)), int(torch.randint(1, 4, (1,), generator=g))
    X, y = _regression(int(torch.randint(0, 10_000, (1,), generator=g)), n, d)
    lr = [0.02, 0.05, 0.1][int(torch.randint(0, 3, (1,), generator=g))]
    return X, y, lr, int(torch.randint(1, 4, (1,), generator=g)), int(torch.randint(2, n + 1, (1,), generator=g))


def _train_text(X, y, lr, epochs, batch_size) -> str:
    return (f"train(nn.Linear({X.shape[1]}, 1), X of shape {tuple(X.shape)}, y of shape {tuple(y.shape)}, "
            f"lr={lr}, epochs={epochs}, batch_size={batch_size})")


# ---- predict ---------------------------------------------------------------------------------------


def _probe_predict(ns, d, seed, X):
    model = _linear(d, seed)
    out = ns.predict(model, X)
    backpropagate(out, seed)  # only possible if the predictions kept a graph; then it fills the model's .grad
    return {"predictions": out, "model.weight.grad afterwards": model.weight.grad,
            "model.bias.grad afterwards": model.bias.grad}


def _random_predict(g: torch.Generator) -> tuple:
    d, n = int(torch.randint(1, 5, (1,), generator=g)), int(torch.randint(1, 9, (1,), generator=g))
    return d, int(torch.randint(0, 10_000, (1,), generator=g)), torch.randn(n, d, generator=g)


# ---- closed_form -----------------------------------------------------------------------------------


def _random_closed_form(g: torch.Generator) -> tuple:
    d = int(torch.randint(1, 5, (1,), generator=g))
    n = int(torch.randint(d + 1, d + 12, (1,), generator=g))
    dtype = [torch.float32, torch.float64][int(torch.randint(0, 2, (1,), generator=g))]
    return _regression(int(torch.randint(0, 10_000, (1,), generator=g)), n, d, dtype=dtype)


def _closed_form_text(X, y) -> str:
    dtype = str(X.dtype).removeprefix("torch.")
    return f"closed_form(X of shape {tuple(X.shape)}, y of shape {tuple(y.shape)}, {dtype}) with gradients"


# ---- recover ---------------------------------------------------------------------------------------

DIVERGED = "SGD diverged (NaN, inf, or far off the exact answer)"


def _probe_recover(ns, w_true, b_true, seed):
    returned = ns.recover(w_true, b_true, seed)
    if not (type(returned) is tuple and len(returned) == 4):
        return {"returned": returned}
    w_sgd, b_sgd, w_exact, b_exact = returned
    # A diverged run is a result, not a crash: report that it diverged, not which huge numbers it reached,
    # so every diverging run reads the same.
    diverged = _diverged((w_sgd, b_sgd), (w_exact, b_exact))
    return {DIVERGED: diverged, "(w_sgd, b_sgd)": "NaN, inf or far off" if diverged else (w_sgd, b_sgd),
            "(w_exact, b_exact)": (w_exact, b_exact)}


def _diverged(sgd: tuple, exact: tuple) -> bool:
    """Not finite, or further from the learner's own exact answer than 1 + twice its size: an
    nn.Linear starts within 1 of zero, so a run that merely stopped short is never that far off."""
    try:
        got = torch.cat([t.detach().double().reshape(-1) for t in sgd])
        want = torch.cat([t.detach().double().reshape(-1) for t in exact])
        return not bool(got.isfinite().all()) or bool((got - want).abs().max() > 1 + 2 * want.abs().max())
    except Exception:  # not tensors, or shapes that do not line up: the comparison says what is wrong
        return False


def _random_recover(g: torch.Generator) -> tuple:
    d = int(torch.randint(1, 4, (1,), generator=g))
    w = (torch.randn(d, generator=g) * 3).round(decimals=1)
    return w, round(float(torch.randn(1, generator=g)) * 3, 1), int(torch.randint(0, 10_000, (1,), generator=g))


CHECKS = [
    Check(
        "make_data",
        target="make_data",
        args=[
            (torch.tensor([2.0, -3.4]), 4.2, 5, 0.01, 0),
            (torch.tensor([0.5]), 0.0, 3, 0.0, 1),
            (torch.tensor([1.0, 2.0, 3.0]), -1.0, 1, 1.0, 2),
        ],
        random=_random_data,
        n_random=2,
        probe=_probe_data,
        describe=lambda w, b, n, s, seed: f"make_data(w_true={short_repr(w.detach().clone().requires_grad_())}, "
        f"b_true={b}, n={n}, noise_std={s}, generator=torch.Generator().manual_seed({seed})), then backward through y",
        hints={
            "X.values": "X must be the generator's first draw: `torch.randn(n, d, generator=generator)`.",
            "y.values": "y is `X @ w_true + b_true + noise_std * torch.randn(n, generator=generator)`, "
            "the noise drawn right after X.",
            "y.requires_grad": "Compute y from w_true with tensor operations (`X @ w_true`), without `.detach()`, "
            "`torch.tensor(...)` or NumPy in between, so that it follows w_true through autograd.",
            "gradient of w_true": "The gradient of y with respect to w_true is X's columns: y must be "
            "`X @ w_true + ...`, with w_true itself.",
            "torch.rand(2) after the call (the global random state).values": "Draw only from `generator`: "
            "`torch.manual_seed` or a `torch.randn` without `generator=` changes the random numbers of everything "
            "else in the program.",
        },
        hint="Follow the docstring's order of draws exactly: X from the generator first, then the noise.",
    ),
    Check(
        "train",
        target="train",
        args=[
            (*_regression(10, 8, 2), 0.1, 3, 4),
            (*_regression(11, 10, 3), 0.05, 2, 3),
            (*_regression(12, 5, 1), 0.1, 1, 5),
            (*_regression(13, 6, 2), 0.1, 0, 2),
        ],
        random=_random_train,
        n_random=2,
        probe=_probe_train,
        describe=_train_text,
        hints={
            "returned": "Return one Python float per epoch: the mean of that epoch's `loss.item()` values.",
            "model.weight after training": "The weights after training differ, so an update was wrong: check the "
            "shapes given to the loss, that each batch starts with `optimizer.zero_grad()`, and the batch slices.",
        },
        hint="Per batch: `optimizer.zero_grad()`, MSE between predictions and targets of the same shape, "
        "`backward()`, `optimizer.step()`.",
    ),
    Check(
        "predict",
        target="predict",
        args=[(2, 20, torch.tensor([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])), (1, 21, torch.tensor([[4.0]]))],
        random=_random_predict,
        n_random=2,
        probe=_probe_predict,
        describe=lambda d, seed, X: f"predict(nn.Linear({d}, 1), X of shape {tuple(X.shape)}), then backward "
        "through the predictions if they allow it",
        hints={
            "predictions.requires_grad": "Predictions should not require grad: compute them inside "
            "`with torch.no_grad():` (or `torch.inference_mode()`), so no graph is built.",
            "predictions.shape": "`nn.Linear(d, 1)` gives shape (n, 1); return (n,), like y: `.squeeze(1)`.",
        },
        hint="Return `model(X)` as shape (n,), computed with autograd switched off.",
    ),
    Check(
        "closed_form",
        target="closed_form",
        args=[
            (torch.tensor([[0.0], [1.0], [2.0]]), torch.tensor([1.0, 4.0, 7.0])),
            _regression(30, 4, 3),  # n = d + 1: an exact fit
            _regression(31, 12, 2, dtype=torch.float64),
        ],
        random=_random_closed_form,
        n_random=2,
        probe=with_gradients("closed_form", names=("X", "y")),
        describe=_closed_form_text,
        # Correct methods differ in float32 rounding (QR, normal equations, pinv): allow for it.
        rtol=1e-4,
        atol=1e-5,
        hints={
            "output.shape": "w has shape (d,) and b is 0-dim: index the 1-D solution, `s[:-1]` and `s[-1]`.",
            "gradient of X": "The values are right but the gradient with respect to X is not: keep every step in "
            "torch (no `.item()`, `.detach()` or NumPy) so autograd can follow X.",
            "gradient of y": "The gradient with respect to y is wrong: solve with y itself, not a detached copy.",
        },
        hint="Append a column of ones to X, solve with `torch.linalg.lstsq(A, y).solution`, then split w and b.",
    ),
    Check(
        "recover",
        target="recover",
        args=[(torch.tensor([2.0, -3.4]), 4.2, 0), (torch.tensor([0.5, 1.0, -2.0]), -1.0, 1)],
        random=_random_recover,
        n_random=1,
        probe=_probe_recover,
        describe=lambda w, b, seed: f"recover(w_true={short_repr(w)}, b_true={b}, seed={seed})",
        # SGD stops near the least-squares answer, not on it: accept any run that ends close to the reference's.
        tolerances={"(w_sgd, b_sgd)": (0.0, 0.01)},
        hints={
            DIVERGED: "Your SGD run diverged: the learning rate is far too large, so every step overshoots the "
            "minimum by more than it corrects, the loss grows each epoch and the weights run off to inf and NaN. "
            "Print the losses `train` returns; lower the learning rate (0.1 is safe for standard-normal features).",
            "(w_sgd, b_sgd).values": "Your SGD weights are not within 0.01 of a converged run. Print the epoch losses "
            "`train` returns: if they grow or jump about, lower the learning rate; if they still fall at the end, "
            "train for more epochs.",
            "(w_sgd, b_sgd).requires_grad": "Return the trained numbers, not the parameters: `model.weight.detach()[0]` "
            "and `model.bias.detach()[0]`.",
            "keys": "Return a tuple of four tensors: `(w_sgd, b_sgd, w_exact, b_exact)`.",
        },
        hint="Make the data with the docstring's call, train a fresh `nn.Linear(d, 1)`, and solve the same data "
        "with `closed_form`.",
        depends_on=("make_data", "train", "closed_form"),
    ),
]
