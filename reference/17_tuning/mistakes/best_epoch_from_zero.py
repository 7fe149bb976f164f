import math

HINT = (
    "\"best_epoch\" counts epochs from 1, as `len(val_losses)` does: the epoch of `val_losses[i]` is i + 1. "
    "Loop with `for epoch in range(1, max_epochs + 1)` (or record `epoch + 1`)."
)


def fit(model, optimizer, data, max_epochs, patience):
    best_loss, best_epoch, waited, losses = math.inf, 0, 0, []
    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    for epoch in range(max_epochs):  # MISTAKE
        train_epoch(model, optimizer, *data["train"])  # noqa: F821
        loss = val_loss(model, *data["val"])  # noqa: F821
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
