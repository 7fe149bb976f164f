import torch

HINT = (
    "The test loss is the chosen trial's, but `model` after the loop is the last trial's model. Keep the "
    "models (or the best one) as you go, and evaluate `models[best]` on the test split."
)


def search(configs, data, max_epochs, patience, seed):
    trials = []
    for config in configs:
        model = make_model(config["hidden"], seed)  # noqa: F821
        result = fit(model, torch.optim.SGD(model.parameters(), lr=config["lr"]), data, max_epochs, patience)  # noqa: F821
        trials.append({"config": config, "best_epoch": result["best_epoch"], "val_loss": result["best_val_loss"],
                       "epochs": len(result["val_losses"])})
    best = min(range(len(trials)), key=lambda i: trials[i]["val_loss"])
    return {"trials": trials, "best": best, "test_loss": val_loss(model, *data["test"])}  # noqa: F821  # MISTAKE
