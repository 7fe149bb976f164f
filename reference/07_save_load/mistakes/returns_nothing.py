import torch

HINT = (
    'Return the saved epoch from `load_checkpoint`, e.g. `return checkpoint["epoch"]`, so the caller knows where to '
    "resume."
)


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    epoch = checkpoint["epoch"]  # noqa: F841  # MISTAKE
