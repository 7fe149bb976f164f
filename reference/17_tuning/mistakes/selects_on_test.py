import torch

HINT = (
    "The search chose its configuration by the test loss: that is training on the test split by another name, "
    "and the test loss you report is the best of several tries, not an estimate for new data. Choose by the "
    "validation loss fit returns; read the test split once, for the chosen model only."
)


def search(configs, data, max_epochs, patience, seed):
    trials, test_losses, models = [], [], []
    for config in configs:
        model = make_model(config["hidden"], seed)  # noqa: F821
        result = fit(model, torch.optim.SGD(model.parameters(), lr=config["lr"]), data, max_epochs, patience)  # noqa: F821
        trials.append({"config": config, "best_epoch": result["best_epoch"], "val_loss": result["best_val_loss"],
                       "epochs": len(result["val_losses"])})
        test_losses.append(val_loss(model, *data["test"]))  # noqa: F821
        models.append(model)
    best = min(range(len(trials)), key=lambda i: test_losses[i])  # MISTAKE
    return {"trials": trials, "best": best, "test_loss": test_losses[best]}
