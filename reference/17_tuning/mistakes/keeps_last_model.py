import math

HINT = (
    "Early stopping keeps the best model, not the last one: after the loop the weights are those of the last "
    "epoch, which was `patience` epochs past the best. Save a copy whenever the loss improves, "
    "`{k: v.detach().clone() for k, v in model.state_dict().items()}` (`model.state_dict()` alone holds the "
    "live tensors, which training keeps changing), and `model.load_state_dict(best_state)` before returning."
)


def fit(model, optimizer, data, max_epochs, patience):
    best_loss, best_epoch, waited, losses = math.inf, 0, 0, []
    for epoch in range(1, max_epochs + 1):
        train_epoch(model, optimizer, *data["train"])  # noqa: F821
        loss = val_loss(model, *data["val"])  # noqa: F821
        losses.append(loss)
        if loss < best_loss:
            best_loss, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited == patience:
                break
    return {"val_losses": losses, "best_epoch": best_epoch, "best_val_loss": best_loss}
