import math

HINT = (
    "Early stopping watched the test split: the epoch to stop at is a choice, and choices are made on the "
    "validation split. A model stopped on test has been tuned to it, and its test loss is no longer an honest "
    "estimate. Use `val_loss(model, *data[\"val\"])`."
)


def fit(model, optimizer, data, max_epochs, patience):
    best_loss, best_epoch, waited, losses = math.inf, 0, 0, []
    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    for epoch in range(1, max_epochs + 1):
        train_epoch(model, optimizer, *data["train"])  # noqa: F821
        loss = val_loss(model, *data["test"])  # noqa: F821  # MISTAKE
        losses.append(loss)
        if loss < best_loss:
            best_loss, best_epoch, waited = loss, epoch, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            waited += 1
            if waited == patience:
                break
    model.load_state_dict(best_state)
    return {"val_losses": losses, "best_epoch": best_epoch, "best_val_loss": best_loss}
