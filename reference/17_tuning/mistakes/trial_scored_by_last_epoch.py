import torch

HINT = (
    "A trial's score is its best validation loss, the one fit restored the model to, not the loss of the last "
    "epoch it trained (which early stopping makes `patience` epochs worse): use `result[\"best_val_loss\"]`."
)


def search(configs, data, max_epochs, patience, seed):
    trials, models = [], []
    for config in configs:
        model = make_model(config["hidden"], seed)  # noqa: F821
        result = fit(model, torch.optim.SGD(model.parameters(), lr=config["lr"]), data, max_epochs, patience)  # noqa: F821
        trials.append({"config": config, "best_epoch": result["best_epoch"], "val_loss": result["val_losses"][-1],  # MISTAKE
                       "epochs": len(result["val_losses"])})
        models.append(model)
    best = min(range(len(trials)), key=lambda i: trials[i]["val_loss"])
    return {"trials": trials, "best": best, "test_loss": val_loss(models[best], *data["test"])}  # noqa: F821
