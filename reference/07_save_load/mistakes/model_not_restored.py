import torch

HINT = (
    "`torch.load` only reads the file; the model keeps its weights until you call "
    "`model.load_state_dict(checkpoint[...])`, which copies the saved tensors into it."
)


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    model_state = checkpoint["model"]  # noqa: F841  (read, but never put into the model)  # MISTAKE
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["epoch"]
