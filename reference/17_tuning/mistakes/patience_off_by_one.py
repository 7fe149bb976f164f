import math

HINT = (
    "Patience off by one: `waited > patience` trains one epoch more than asked. Patience is the number of "
    "epochs in a row without improvement that you tolerate: stop when the count reaches it (`waited == "
    "patience`), so patience 1 stops at the first epoch that does not improve."
)


def fit(model, optimizer, data, max_epochs, patience):
    best_loss, best_epoch, waited, losses = math.inf, 0, 0, []
    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    for epoch in range(1, max_epochs + 1):
        train_epoch(model, optimizer, *data["train"])  # noqa: F821
        loss = val_loss(model, *data["val"])  # noqa: F821
        losses.append(loss)
        if loss < best_loss:
            best_loss, best_epoch, waited = loss, epoch, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            waited += 1
            if waited > patience:  # MISTAKE
                break
    model.load_state_dict(best_state)
    return {"val_losses": losses, "best_epoch": best_epoch, "best_val_loss": best_loss}
