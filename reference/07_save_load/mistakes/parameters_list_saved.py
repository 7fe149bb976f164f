import torch


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
