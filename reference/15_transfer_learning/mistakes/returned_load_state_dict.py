import safetensors.torch

HINT = (
    "`model.load_state_dict(state)` copies the tensors into the model and returns a named tuple of missing_keys "
    "and unexpected_keys, not the model. Load first, then `return model.eval()`."
)


def load_pretrained(path):
    model = PretrainedNet().eval()  # noqa: F821
    return model.load_state_dict(safetensors.torch.load_file(path))  # MISTAKE
