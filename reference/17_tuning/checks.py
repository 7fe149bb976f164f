"""What `pytorch-tutor check 17` establishes (docs/authoring.md). Known mistakes: mistakes/*.py.

Everything is seen in what comes back, never in flags. random_configs is called twice with the same
seed, with other draws from the global generators in between, and the global generators' next draws
right after the first call are returned: an unseeded search differs between the calls, one that
reseeds the global generator shows in those draws. fit gets the stub's own data, model and an
optimizer from the probe; it returns its losses, and the probe returns the model's weights and
validation loss afterwards, so a model left at its last epoch shows. Every probe's test split is
another task (its targets negated): a fit or a search that chooses with it chooses differently.
One fit case trains with lr=0, where every epoch ties with the first.
"""

import random

import torch
import torch.nn.functional as F

from grader.kit import Check

HINTS = {
    "grid": [
        "Every combination of one value per hyperparameter: a product of the lists, in the keys' order.",
        "`itertools.product(*space.values())` yields the combinations as tuples, the last key changing fastest; "
        "`dict(zip(space, values))` turns each into a configuration.",
        "Nearly there: `return [dict(zip(space, values)) for values in itertools.product(*space.values())]`.",
    ],
    "random_configs": [
        "Random search draws each trial's values at random, but reproducibly: one seeded generator of your own, "
        "never the global ones.",
        "Make `g = torch.Generator().manual_seed(seed)` once, before the loop; for each trial and each key, "
        "`values[int(torch.randint(len(values), (1,), generator=g))]`.",
        "Nearly there: `g = torch.Generator().manual_seed(seed)`, then `return [{key: values[int(torch.randint("
        "len(values), (1,), generator=g))] for key, values in space.items()} for _ in range(n)]`.",
    ],
    "fit": [
        "Train epoch by epoch, watch the validation loss, remember the best weights, stop when the loss has not "
        "improved for `patience` epochs in a row, and give back the best weights, not the last.",
        "Keep `best_loss` (start at `math.inf`), `best_epoch`, `best_state` and a counter of epochs without "
        "improvement; copy the weights with `{k: v.detach().clone() for k, v in model.state_dict().items()}`; "
        "`model.load_state_dict(best_state)` at the end.",
        "Nearly there: for epoch in 1..max_epochs: `train_epoch(...)`, `loss = val_loss(model, *data[\"val\"])`; "
        "if `loss < best_loss`: remember it and reset the counter, else `waited += 1` and `break` when "
        "`waited == patience`; after the loop `model.load_state_dict(best_state)`.",
    ],
    "search": [
        "One fresh model per configuration, trained with your fit; choose the configuration on validation, and "
        "only then measure the chosen model on test.",
        "For each config: `make_model(config[\"hidden\"], seed)`, `torch.optim.SGD(model.parameters(), "
        "lr=config[\"lr\"])`, `fit(...)`; keep the models. `min(range(len(trials)), key=lambda i: "
        "trials[i][\"val_loss\"])` is the first of the lowest.",
        "Nearly there: the trial is `{\"config\": config, \"best_epoch\": r[\"best_epoch\"], \"val_loss\": "
        "r[\"best_val_loss\"], \"epochs\": len(r[\"val_losses\"])}`, and `\"test_loss\": val_loss(models[best], "
        "*data[\"test\"])`.",
    ],
}

SPACE_A = {"hidden": [2, 4, 8], "lr": [0.05, 0.2, 0.5]}
SPACE_B = {"optimizer": ["sgd", "adamw"], "lr": [0.1, 0.01, 0.001], "batch_size": [8, 16, 32, 64], "dropout": [0.0, 0.5]}


def _int(g: torch.Generator, low: int, high: int) -> int:
    return int(torch.randint(low, high + 1, (1,), generator=g))


def _random_space(g: torch.Generator) -> dict:
    names = ["hidden", "lr", "momentum", "layers"][: _int(g, 1, 4)]
    return {name: [round(float(v), 3) for v in torch.rand(_int(g, 1, 4), generator=g)] for name in names}


def _result(found, keys: list[str]) -> dict:
    """A returned dict as data: its keys, then each expected key's value (or None)."""
    if not isinstance(found, dict):
        return {"returned": f"a {type(found).__name__}, not a dict"} | dict.fromkeys(keys)
    return {"returned": sorted(map(str, found))} | {key: found.get(key) for key in keys}


def _other_task(data: dict) -> dict:
    """The probe's data with a test split from another task (targets negated): choosing with it changes choices."""
    x, y = data["test"]
    return {**data, "test": (x, -y)}


# ---- grid and random_configs ----------------------------------------------------------------------


def _probe_grid(ns, space):
    return {"configurations": ns.grid(space), "space afterwards": space}


def _probe_random(ns, space, n, seed):
    first = ns.random_configs(space, n, seed)
    torch_next, python_next = torch.rand(2), random.random()  # what the global generators give next
    torch.rand(7), random.random()  # other draws, as the rest of a program would make
    return {
        "configurations": first,
        "torch.rand(2) right after the call": torch_next,
        "random.random() right after the call": python_next,
        "a second call with the same seed, after other random draws": ns.random_configs(space, n, seed),
        "space afterwards": space,
    }


def _random_case(g: torch.Generator) -> tuple:
    return _random_space(g), _int(g, 1, 6), _int(g, 0, 10_000)


RANDOM_HINTS = {
    "a second call with the same seed, after other random draws": "The same seed must give the same "
    "configurations whatever ran before: draw from your own `torch.Generator().manual_seed(seed)`, not from "
    "`random` or torch's global generator.",
    "torch.rand(2) right after the call": "The caller's global generator changed: `torch.manual_seed(seed)` "
    "reseeds everyone's random numbers. Draw from `g = torch.Generator().manual_seed(seed)` and pass "
    "`generator=g`.",
    "random.random() right after the call": "Python's global `random` generator was used or reseeded: draw with "
    "`torch.randint(..., generator=g)` from your own generator instead.",
    "space afterwards": "`space` must not change: read its lists, build new dicts.",
}

# ---- fit ------------------------------------------------------------------------------------------

FIT_KEYS = ["val_losses", "best_epoch", "best_val_loss"]
PARAMS = "the model's parameters after fit"
MODEL_LOSS = "validation loss of the model after fit"


def _probe_fit(ns, seed, hidden, lr, momentum, max_epochs, patience):
    data = _other_task(ns.make_data(seed))
    model = ns.make_model(hidden, seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    found = _result(ns.fit(model, optimizer, data, max_epochs, patience), FIT_KEYS)
    with torch.no_grad():
        found[PARAMS] = {name: p.detach().clone() for name, p in model.named_parameters()}
        found[MODEL_LOSS] = F.mse_loss(model(data["val"][0]), data["val"][1]).item()
    return found


def _random_fit(g: torch.Generator) -> tuple:
    lr = [0.05, 0.1, 0.2, 0.3, 0.5][_int(g, 0, 4)]
    return _int(g, 0, 10_000), _int(g, 2, 8), lr, [0.0, 0.5][_int(g, 0, 1)], _int(g, 8, 25), _int(g, 1, 4)


def _describe_fit(seed, hidden, lr, momentum, max_epochs, patience) -> str:
    return (f"fit(make_model({hidden}, {seed}), torch.optim.SGD(model.parameters(), lr={lr}, momentum={momentum}), "
            f"make_data({seed}) with a test split from another task, max_epochs={max_epochs}, patience={patience}); "
            "then the model's parameters and validation loss")


FIT_HINTS = {
    "returned": "Return a dict with exactly the keys \"val_losses\", \"best_epoch\" and \"best_val_loss\".",
    "val_losses.length": "Training ran for a different number of epochs. Stop as soon as `patience` epochs in a "
    "row have not improved (patience 2 and losses 0.5, 0.4, 0.45, 0.41 stop after epoch 4), and never train more "
    "than max_epochs.",
    "val_losses": "One `val_loss(model, *data[\"val\"])` per epoch, right after that epoch's `train_epoch`, as a "
    "Python float: the validation split, not train or test.",
    "best_epoch": "\"best_epoch\" is the epoch (counting from 1) of the lowest validation loss: the first of them "
    "when losses tie, since only a strictly lower loss is an improvement.",
    "best_val_loss": "\"best_val_loss\" is the lowest validation loss seen, `min(val_losses)`.",
    PARAMS: "The model must end with the weights of its best epoch: keep a copy (cloned tensors) of the "
    "state_dict whenever the loss improves and `model.load_state_dict(best_state)` before returning.",
    MODEL_LOSS: "The model's validation loss after fit must be \"best_val_loss\": load the best epoch's weights "
    "back into the model.",
}

# ---- search ---------------------------------------------------------------------------------------

SEARCH_KEYS = ["trials", "best", "test_loss"]


def _probe_search(ns, configs, seed, max_epochs, patience):
    return _result(ns.search(configs, _other_task(ns.make_data(seed)), max_epochs, patience, seed), SEARCH_KEYS)


def _random_search(g: torch.Generator) -> tuple:
    space = {"hidden": [2, 3, 4, 6], "lr": [0.05, 0.1, 0.2, 0.3, 0.5]}
    configs = [{key: values[_int(g, 0, len(values) - 1)] for key, values in space.items()} for _ in range(_int(g, 2, 4))]
    return configs, _int(g, 0, 10_000), _int(g, 8, 20), _int(g, 1, 3)


def _describe_search(configs, seed, max_epochs, patience) -> str:
    shown = ", ".join(f"{{hidden: {c['hidden']}, lr: {c['lr']}}}" for c in configs)
    return (f"search([{shown}], make_data({seed}) with a test split from another task, max_epochs={max_epochs}, "
            f"patience={patience}, seed={seed})")


SEARCH_HINTS = {
    "returned": "Return a dict with exactly the keys \"trials\", \"best\" and \"test_loss\".",
    "trials": "One trial per config, in order: `{\"config\": config, \"best_epoch\": ..., \"val_loss\": "
    "result[\"best_val_loss\"], \"epochs\": len(result[\"val_losses\"])}`, from your fit on a fresh "
    "`make_model(config[\"hidden\"], seed)` with `torch.optim.SGD(model.parameters(), lr=config[\"lr\"])`.",
    "best": "\"best\" is the index of the trial with the lowest \"val_loss\" (the first of equal ones): the "
    "validation split chooses, never the test split.",
    "test_loss": "\"test_loss\" is `val_loss(model, *data[\"test\"])` of the chosen trial's model, as fit left it, "
    "read once after choosing.",
}


CHECKS = [
    Check(
        "grid",
        target="grid",
        args=[
            ({"hidden": [2, 4], "lr": [0.1, 0.5]},),
            ({"lr": [0.3, 0.1, 0.2], "hidden": [8], "act": ["tanh", "relu"]},),
            ({"hidden": [2, 4], "lr": []},),
            ({},),
            ({"a": [1, 2], "b": [3, 4], "c": [5, 6]},),
        ],
        random=lambda g: (_random_space(g),),
        n_random=2,
        probe=_probe_grid,
        describe=lambda space: f"grid({space})",
        hints={"space afterwards": RANDOM_HINTS["space afterwards"]},
        hint="Every combination, as dicts with the keys in space's order, in `itertools.product`'s order: the first "
        "key changes slowest.",
    ),
    Check(
        "random_configs",
        target="random_configs",
        args=[(SPACE_A, 3, 0), (SPACE_A, 8, 1), (SPACE_B, 5, 42), ({"lr": [0.1]}, 2, 7), (SPACE_A, 0, 3)],
        random=_random_case,
        n_random=2,
        probe=_probe_random,
        describe=lambda space, n, seed: f"random_configs({space}, n={n}, seed={seed}), twice, with other random "
        "draws between the calls",
        hints=RANDOM_HINTS,
        hint="One `g = torch.Generator().manual_seed(seed)` per call; for each trial and each key in order, "
        "`values[int(torch.randint(len(values), (1,), generator=g))]`.",
    ),
    Check(
        "fit with early stopping",
        target="fit",
        args=[
            (0, 4, 0.2, 0.0, 30, 3),
            (0, 2, 0.5, 0.0, 30, 1),
            (1, 2, 0.5, 0.0, 30, 2),
            (2, 4, 0.5, 0.5, 30, 4),
            (0, 3, 0.0, 0.0, 10, 2),  # lr=0: every epoch ties with the first
            (1, 4, 0.2, 0.0, 12, 3),  # improves to the end: max_epochs stops it
            (3, 2, 0.2, 0.0, 1, 1),
        ],
        random=_random_fit,
        n_random=2,
        probe=_probe_fit,
        describe=_describe_fit,
        hints=FIT_HINTS,
        hint="Early stopping: validate after every epoch, keep a copy of the best weights, stop after `patience` "
        "epochs in a row without a strictly lower loss, and load the best weights back.",
    ),
    Check(
        "search",
        target="search",
        args=[
            ([{"hidden": h, "lr": lr} for h in (2, 4) for lr in (0.2, 0.5)], 0, 30, 3),
            ([{"hidden": 4, "lr": 0.5}, {"hidden": 2, "lr": 0.5}, {"hidden": 8, "lr": 0.05}], 2, 20, 2),
            ([{"hidden": 3, "lr": 0.2}], 1, 15, 2),
            ([{"hidden": 2, "lr": 0.2}, {"hidden": 2, "lr": 0.5}, {"hidden": 8, "lr": 0.2}], 0, 30, 3),  # all stop early
            ([{"hidden": 2, "lr": 0.3}, {"hidden": 2, "lr": 0.3}], 3, 10, 2),  # a tie: the first is chosen
        ],
        random=_random_search,
        n_random=1,
        probe=_probe_search,
        describe=_describe_search,
        hints=SEARCH_HINTS,
        hint="A fresh model per config, trained with your fit; choose by the lowest validation loss; then the "
        "chosen model's loss on test, once.",
        depends_on=["fit"],
    ),
]
