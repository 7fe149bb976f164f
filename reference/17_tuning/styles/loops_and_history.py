"""17 with plain loops: a recursive grid, `.item()` draws, early stopping decided from the history of
losses, and a search that keeps its best model so far."""
import copy

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
    if not space:
        return [{}]
    first, *rest = space
    tails = grid({key: space[key] for key in rest})
    out = []
    for value in space[first]:
        for tail in tails:
            config = {first: value}
            config.update(tail)
            out.append(config)
    return out


def random_configs(space, n, seed):
    gen = torch.Generator()
    gen.manual_seed(seed)
    out = []
    for _ in range(n):
        config = {}
        for key in space:
            config[key] = space[key][torch.randint(0, len(space[key]), (1,), generator=gen).item()]
        out.append(config)
    return out


def fit(model, optimizer, data, max_epochs, patience):
    history = []
    best_state = copy.deepcopy(model.state_dict())
    while len(history) < max_epochs:
        train_epoch(model, optimizer, data["train"][0], data["train"][1])
        history.append(val_loss(model, data["val"][0], data["val"][1]))
        best_epoch = history.index(min(history)) + 1  # index finds the first of equal losses
        if best_epoch == len(history):
            best_state = copy.deepcopy(model.state_dict())
        elif len(history) - best_epoch >= patience:
            break
    model.load_state_dict(best_state)
    return {"val_losses": history, "best_epoch": history.index(min(history)) + 1, "best_val_loss": min(history)}


def search(configs, data, max_epochs, patience, seed):
    trials, best, best_model = [], None, None
    for i, config in enumerate(configs):
        model = make_model(config["hidden"], seed)
        result = fit(model, torch.optim.SGD(model.parameters(), lr=config["lr"]), data, max_epochs, patience)
        trials.append({"config": config, "best_epoch": result["best_epoch"], "val_loss": result["best_val_loss"],
                       "epochs": len(result["val_losses"])})
        if best is None or trials[i]["val_loss"] < trials[best]["val_loss"]:
            best, best_model = i, model
    return {"trials": trials, "best": best, "test_loss": val_loss(best_model, *data["test"])}
