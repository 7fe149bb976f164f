import torch

HINT = (
    "Restore the optimizer too: `optimizer.load_state_dict(checkpoint[...])`. A new Adam optimizer starts with empty "
    "moment estimates and step count 0, so resumed training takes different steps."
)


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    # the optimizer is new anyway, so it can start over
    return checkpoint["epoch"]
