"""17 as small helpers: itertools.product over the items, a tensor of draws per trial, an
EarlyStopping object like the callbacks of Keras and Lightning, and the test split touched once."""
import itertools

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
    names, lists = zip(*space.items()) if space else ((), ())
    return [dict(zip(names, combo)) for combo in itertools.product(*lists)]


def random_configs(space, n, seed):
    g = torch.Generator().manual_seed(seed)
    configs = []
    for _ in range(n):
        picks = [int(torch.randint(len(v), (1,), generator=g).item()) for v in space.values()]
        configs.append({k: v[i] for (k, v), i in zip(space.items(), picks)})
    return configs


class EarlyStopping:
    def __init__(self, patience):
        self.patience, self.best, self.best_epoch, self.bad, self.state = patience, float("inf"), 0, 0, None

    def step(self, epoch, loss, model):
        """True when training should stop."""
        if loss < self.best:
            self.best, self.best_epoch, self.bad = loss, epoch, 0
            self.state = {name: t.clone().detach() for name, t in model.state_dict().items()}
            return False
        self.bad += 1
        return self.bad >= self.patience


def fit(model, optimizer, data, max_epochs, patience):
    stopper, losses = EarlyStopping(patience), []
    for epoch in range(1, max_epochs + 1):
        train_epoch(model, optimizer, *data["train"])
        losses.append(float(val_loss(model, *data["val"])))
        if stopper.step(epoch, losses[-1], model):
            break
    if stopper.state is not None:
        model.load_state_dict(stopper.state)
    return {"val_losses": losses, "best_epoch": stopper.best_epoch, "best_val_loss": stopper.best}


def search(configs, data, max_epochs, patience, seed):
    runs = []
    for config in configs:
        model = make_model(config["hidden"], seed)
        result = fit(model, torch.optim.SGD(params=model.parameters(), lr=config["lr"]), data, max_epochs, patience)
        runs.append((model, {"config": config, "best_epoch": result["best_epoch"],
                             "val_loss": result["best_val_loss"], "epochs": len(result["val_losses"])}))
    best = min(enumerate(runs), key=lambda item: item[1][1]["val_loss"])[0]
    return {"trials": [trial for _, trial in runs], "best": best, "test_loss": val_loss(runs[best][0], *data["test"])}
