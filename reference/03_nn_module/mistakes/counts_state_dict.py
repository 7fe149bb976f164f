HINT = (
    "`state_dict()` is not the list of parameters: it also holds buffers (BatchNorm's running statistics), "
    "repeats a shared layer under each of its names, and ignores `requires_grad`. Iterate `model.parameters()`."
)


def count_parameters(model):
    return sum(t.numel() for t in model.state_dict().values())  # MISTAKE
