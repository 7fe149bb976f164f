"""17 · Hyperparameter search: a reference solution (learners see this with `pytorch-tutor solution 17`
once they have passed).

Three splits, three jobs: train fits the weights, validation chooses (the epoch to stop at, the
configuration to keep), and test is read once, at the very end, to report how the chosen model does
on data nothing was chosen with. Every random draw comes from a generator of its own, so a search
can be run again and give the same trials.
"""

import itertools
import math

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
    keys = list(space)
    # itertools.product varies the last iterable fastest: the first key changes slowest.
    return [dict(zip(keys, values)) for values in itertools.product(*(space[k] for k in keys))]


def random_configs(space: dict[str, list], n: int, seed: int) -> list[dict]:
    # A generator of its own: the same seed gives the same trials, whatever ran before, and the
    # caller's global random state is left alone (torch.manual_seed here would reset it).
    g = torch.Generator().manual_seed(seed)
    configs = []
    for _ in range(n):  # one generator for all trials: one made per trial would repeat the first
        configs.append({key: values[int(torch.randint(len(values), (1,), generator=g))] for key, values in space.items()})
    return configs


def fit(model: nn.Module, optimizer: torch.optim.Optimizer, data: dict, max_epochs: int, patience: int) -> dict:
    best_loss, best_epoch, waited = math.inf, 0, 0
    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    losses = []
    for epoch in range(1, max_epochs + 1):
        train_epoch(model, optimizer, *data["train"])
        loss = val_loss(model, *data["val"])  # the validation split decides; test is never read here
        losses.append(loss)
        if loss < best_loss:  # strictly better: a tie is not progress
            best_loss, best_epoch, waited = loss, epoch, 0
            # .clone(): state_dict() holds the live parameters, which the next steps would change
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            waited += 1
            if waited == patience:  # `patience` epochs in a row without improvement: stop now
                break
    model.load_state_dict(best_state)  # the best model, not the last one
    return {"val_losses": losses, "best_epoch": best_epoch, "best_val_loss": best_loss}


def search(configs: list[dict], data: dict, max_epochs: int, patience: int, seed: int) -> dict:
    trials, models = [], []
    for config in configs:
        model = make_model(config["hidden"], seed)  # a fresh model per trial: no warm start from the last
        optimizer = torch.optim.SGD(model.parameters(), lr=config["lr"])
        result = fit(model, optimizer, data, max_epochs, patience)
        trials.append({"config": config, "best_epoch": result["best_epoch"], "val_loss": result["best_val_loss"],
                       "epochs": len(result["val_losses"])})
        models.append(model)
    # Choose on validation; min keeps the first of equal losses.
    best = min(range(len(trials)), key=lambda i: trials[i]["val_loss"])
    # The test split is read once, for the chosen model only: a number nothing was chosen with.
    return {"trials": trials, "best": best, "test_loss": val_loss(models[best], *data["test"])}
