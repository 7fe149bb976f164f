"""17 with the standard library doing the bookkeeping: functools.reduce for the grid, a whole
deep-copied model as the early-stopping checkpoint, and only state_dicts kept by the search."""
import functools
import math
from copy import deepcopy

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


# ---- the exercise, in this style ----------------------------------------------------------------


def grid(space):
    def extend(configs, key):
        return [{**config, key: value} for config in configs for value in space[key]]

    return functools.reduce(extend, space, [{}])


def random_configs(space, n, seed):
    g = torch.Generator().manual_seed(seed)
    draw = lambda values: values[int(torch.randint(high=len(values), size=(1,), generator=g)[0])]  # noqa: E731
    return [{key: draw(values) for key, values in space.items()} for _ in range(n)]


def fit(model, optimizer, data, max_epochs, patience):
    x, y = data["train"]
    vx, vy = data["val"]
    best = {"loss": math.inf, "epoch": 0, "model": deepcopy(model)}
    losses, stale = [], 0
    for epoch in range(max_epochs):
        train_epoch(model, optimizer, x, y)
        losses.append(val_loss(model, vx, vy))
        if losses[-1] < best["loss"]:
            best = {"loss": losses[-1], "epoch": epoch + 1, "model": deepcopy(model)}
            stale = 0
            continue
        stale += 1
        if stale >= patience:
            break
    model.load_state_dict(best["model"].state_dict())
    return dict(val_losses=losses, best_epoch=best["epoch"], best_val_loss=best["loss"])


def search(configs, data, max_epochs, patience, seed):
    trials, states = [], []
    for config in configs:
        model = make_model(config["hidden"], seed)
        out = fit(model, torch.optim.SGD(model.parameters(), config["lr"]), data, max_epochs, patience)
        trials.append(dict(config=config, best_epoch=out["best_epoch"], val_loss=out["best_val_loss"],
                           epochs=len(out["val_losses"])))
        states.append({k: v.clone() for k, v in model.state_dict().items()})
    best = sorted(range(len(trials)), key=lambda i: trials[i]["val_loss"])[0]  # sorted is stable: the first tie
    chosen = make_model(configs[best]["hidden"], seed)
    chosen.load_state_dict(states[best])
    return {"trials": trials, "best": best, "test_loss": val_loss(chosen, *data["test"])}
