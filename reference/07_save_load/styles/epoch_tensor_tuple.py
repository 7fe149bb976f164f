"""The epoch stored as a tensor and converted back with int(); the checkpoint is a tuple."""

import torch


def save_checkpoint(path, model, optimizer, epoch):
    torch.save((torch.tensor(epoch), model.state_dict(), optimizer.state_dict()), path)


def load_checkpoint(path, model, optimizer):
    epoch, model_state, optimizer_state = torch.load(path, map_location=torch.device("cpu"))
    result = model.load_state_dict(model_state)
    assert not result.missing_keys and not result.unexpected_keys
    optimizer.load_state_dict(optimizer_state)
    return int(epoch.item())
