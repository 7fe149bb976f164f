"""17 · Hyperparameter search

The learning rate, the width of a layer, how long to train: these are chosen,
not learned, and a model is only as good as the choice. A *search* trains one
model per configuration and keeps the best. *Grid search* tries every
combination of a few values per hyperparameter; *random search* draws a fixed
number of combinations, which covers each hyperparameter with more distinct
values for the same budget (Bergstra and Bengio, 2012). Draw them from a
`torch.Generator` of your own, seeded: the same seed gives the same trials, so
a search can be rerun and its result checked, and the caller's global random
state is left alone (10 made data the same way). Libraries such as Optuna and
Ray Tune do the same at scale.

*Early stopping* decides how long to train: after each epoch, measure the loss
on the validation split; keep a copy of the weights whenever it improves;
stop once it has not improved for `patience` epochs in a row; then load the
best copy back. The copy must be a copy: `model.state_dict()` holds the live
parameters (07), so clone its tensors.

Three splits, three jobs. Train fits the weights. Validation chooses: the epoch
to stop at and the configuration to keep. Test is read once, at the end, for
the chosen model only. A search that looks at the test split to choose has
trained on it, in effect, and its test loss no longer says how the model does
on new data.

Useful calls: `itertools.product`, `torch.Generator().manual_seed(seed)`,
`torch.randint(high, (1,), generator=g)`, `model.state_dict()`,
`t.detach().clone()`, `model.load_state_dict(state)`, `torch.optim.SGD`,
`min(..., key=...)`. This builds on 04 (the training loop), 07 (state_dict and
load_state_dict), 09 (evaluating in eval mode without gradients), 10 (synthetic
data from a seeded generator) and 11 (optimizers and their learning rate).

Fill in the four functions, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 17
"""

import itertools  # noqa: F401 (you may want itertools.product)
import math  # noqa: F401 (math.inf is a good first best loss)

import torch
import torch.nn.functional as F
from torch import Tensor, nn

# ---- given: data, model and the training step (do not change these) ------------------------------


def make_data(seed: int = 0, n_train: int = 24, n_val: int = 16, n_test: int = 16) -> dict[str, tuple[Tensor, Tensor]]:
    """Three splits of one synthetic regression task, from one seeded generator: x is float32 (N, 2)
    uniform in [-1, 1), y is float32 (N, 1) = sin(3 x0) + x1 ** 2 plus noise (0.3 in train, 0.1 in val
    and test). Returns {"train": (x, y), "val": (x, y), "test": (x, y)}."""
    g = torch.Generator().manual_seed(seed)
    data = {}
    for name, n, noise in (("train", n_train, 0.3), ("val", n_val, 0.1), ("test", n_test, 0.1)):
        x = torch.rand(n, 2, generator=g) * 2 - 1
        y = torch.sin(3 * x[:, :1]) + x[:, 1:] ** 2 + noise * torch.randn(n, 1, generator=g)
        data[name] = (x, y)
    return data


def make_model(hidden: int, seed: int = 0) -> nn.Sequential:
    """Linear(2, hidden) -> Tanh -> Linear(hidden, 1), every parameter drawn from
    torch.randn(shape, generator=torch.Generator().manual_seed(seed)) * 0.5, in the model's order."""
    model = nn.Sequential(nn.Linear(2, hidden), nn.Tanh(), nn.Linear(hidden, 1))
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.5)
    return model


def train_epoch(model: nn.Module, optimizer: torch.optim.Optimizer, x: Tensor, y: Tensor, batch_size: int = 8) -> None:
    """One epoch: model.train(), then for each batch of `batch_size` rows, in order (no shuffling):
    zero_grad, mean squared error, backward, step."""
    model.train()
    for i in range(0, len(x), batch_size):
        optimizer.zero_grad()
        F.mse_loss(model(x[i:i + batch_size]), y[i:i + batch_size]).backward()
        optimizer.step()


def val_loss(model: nn.Module, x: Tensor, y: Tensor) -> float:
    """The mean squared error of `model` on (x, y), in eval mode and without gradients, as a Python float."""
    model.eval()
    with torch.no_grad():
        return F.mse_loss(model(x), y).item()


# ---- yours ----------------------------------------------------------------------------------------


def grid(space: dict[str, list]) -> list[dict]:
    """Grid search's configurations: every combination of one value per key of `space` (a dict from
    a hyperparameter's name to the list of values to try), as a list of new dicts with the keys in
    `space`'s order. The order of the list is `itertools.product`'s over the keys in order: the first
    key changes slowest, the last fastest. The values are space's own objects, not copies; `space` is
    not changed. A key with an empty list gives no configuration (`[]`); an empty space gives one
    configuration, `[{}]`.

    >>> grid({"hidden": [2, 4], "lr": [0.1, 0.5]})
    [{'hidden': 2, 'lr': 0.1}, {'hidden': 2, 'lr': 0.5}, {'hidden': 4, 'lr': 0.1}, {'hidden': 4, 'lr': 0.5}]
    """
    # TODO
    raise NotImplementedError


def random_configs(space: dict[str, list], n: int, seed: int) -> list[dict]:
    """Random search's `n` configurations (n >= 0), drawn from `space` (every list non-empty) with ONE
    generator of your own, `g = torch.Generator().manual_seed(seed)`, made once per call: for each
    trial in turn, for each key in `space`'s order, the value at index
    `int(torch.randint(len(values), (1,), generator=g))`. A list of new dicts with the keys in space's
    order; values may repeat across trials. The same seed gives the same list on every call, whatever
    ran before; the global random generators (torch's, Python's `random`, NumPy's) are neither used
    nor reseeded, and `space` is not changed.

    >>> random_configs({"hidden": [2, 4, 8], "lr": [0.05, 0.2, 0.5]}, 3, seed=0)
    [{'hidden': 8, 'lr': 0.05}, {'hidden': 8, 'lr': 0.05}, {'hidden': 4, 'lr': 0.05}]
    """
    # TODO
    raise NotImplementedError


def fit(model: nn.Module, optimizer: torch.optim.Optimizer, data: dict, max_epochs: int, patience: int) -> dict:
    """Train `model` with `optimizer` (the caller's, as they are) using early stopping, and return
    a dict with exactly these keys: `{"val_losses": [...], "best_epoch": int, "best_val_loss": float}`.

    `data` is {"train": (x, y), "val": (x, y), "test": (x, y)}, as `make_data` makes it; fit uses
    train and val only. For epoch = 1, 2, ..., max_epochs (max_epochs >= 1):
    `train_epoch(model, optimizer, *data["train"])`, then `loss = val_loss(model, *data["val"])`,
    appended to "val_losses". An epoch whose loss is strictly lower than every earlier one (the
    first always is) becomes the best: remember its epoch, its loss and a copy of the model's
    state_dict (cloned tensors). Otherwise it is one more epoch without improvement; once there
    have been `patience` (>= 1) of them in a row, stop: no further epoch is trained. With patience 2
    and losses 0.5, 0.4, 0.45, 0.41, training stops after epoch 4.

    Before returning, load the best epoch's weights back into `model` (in place): the model ends as
    it was at "best_epoch", not at the last epoch. "val_losses" has one Python float per epoch
    trained, "best_epoch" counts from 1, and "best_val_loss" is min(val_losses).

    >>> model = make_model(4); data = make_data(0)
    >>> result = fit(model, torch.optim.SGD(model.parameters(), lr=0.2), data, max_epochs=30, patience=3)
    >>> len(result["val_losses"]), result["best_epoch"], val_loss(model, *data["val"]) == result["best_val_loss"]
    (8, 5, True)
    """
    # TODO
    raise NotImplementedError


def search(configs: list[dict], data: dict, max_epochs: int, patience: int, seed: int) -> dict:
    """Try each configuration of `configs` (a non-empty list of dicts with keys "hidden" and "lr", as
    `grid` or `random_configs` make them), in order, and return the search's results as data, a dict
    with exactly these keys:

        {"trials": [{"config": config, "best_epoch": int, "val_loss": float, "epochs": int}, ...],
         "best": index of the chosen trial in "trials",
         "test_loss": float}

    For each config: a fresh `make_model(config["hidden"], seed)`, `torch.optim.SGD(model.parameters(),
    lr=config["lr"])`, and your `fit(model, optimizer, data, max_epochs, patience)`. Its trial has the
    config itself, fit's "best_epoch", its "best_val_loss" as "val_loss", and the number of epochs
    trained as "epochs". The chosen trial is the one with the lowest "val_loss" (the first of equal
    ones). Only then is the test split read, once: "test_loss" is `val_loss(model, *data["test"])`
    for the chosen trial's model, as fit left it (at its best epoch). Nothing is chosen with the test
    split.

    >>> result = search(grid({"hidden": [2, 4], "lr": [0.2, 0.5]}), make_data(0), 30, 3, seed=0)
    >>> result["best"], result["trials"][3], round(result["test_loss"], 4)
    (3, {'config': {'hidden': 4, 'lr': 0.5}, 'best_epoch': 30, 'val_loss': 0.19404882192611694, 'epochs': 30}, 0.3228)
    """
    # TODO
    raise NotImplementedError
