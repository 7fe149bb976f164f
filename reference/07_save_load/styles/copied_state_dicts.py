"""Deep-copied state dicts, with an extra entry; load via keyword arguments."""

import copy

import torch


def save_checkpoint(path, model, optimizer, epoch):
    checkpoint = dict(
        epoch=epoch,
        model=copy.deepcopy(model.state_dict()),
        optimizer=copy.deepcopy(optimizer.state_dict()),
        note="checkpoint written by save_checkpoint",
    )
    torch.save(checkpoint, path)


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(f=path, weights_only=True, mmap=False)
    model.load_state_dict(state_dict=checkpoint["model"])
    optimizer.load_state_dict(state_dict=checkpoint["optimizer"])
    return checkpoint.get("epoch", 0)
