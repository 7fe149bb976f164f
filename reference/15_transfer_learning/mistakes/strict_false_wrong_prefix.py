import safetensors.torch

HINT = (
    "Nothing was loaded: the checkpoint's keys are the whole model's (\"backbone.0.weight\", \"head.bias\", ...), "
    "and `strict=False` silently skipped every key that did not fit, leaving random weights. Load into the whole "
    "model with the default strict=True, which raises when keys do not match."
)


def load_pretrained(path):
    model = PretrainedNet()  # noqa: F821
    model.backbone.load_state_dict(safetensors.torch.load_file(path), strict=False)  # MISTAKE
    return model.eval()
