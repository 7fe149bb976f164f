import torch

HINT = (
    "`list(model.parameters())` leaves out the model's buffers, such as BatchNorm's `running_mean` and "
    "`running_var`, which are state too. Save `model.state_dict()` (parameters and buffers, by name) and restore it "
    "with `model.load_state_dict(...)`."
)


def save_checkpoint(path, model, optimizer, epoch):
    params = [p.detach().clone() for p in model.parameters()]
    torch.save({"params": params, "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    with torch.no_grad():
        for param, saved in zip(model.parameters(), checkpoint["params"]):
            param.copy_(saved)
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["epoch"]
