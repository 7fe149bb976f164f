HINT = (
    "You loaded `pretrained_state()` (seed 0) instead of the checkpoint at `path`: read the file, "
    "`safetensors.torch.load_file(path)`, whatever it holds."
)


def load_pretrained(path):
    model = PretrainedNet()  # noqa: F821
    model.load_state_dict(pretrained_state())  # noqa: F821  # MISTAKE
    return model.eval()
