import safetensors.torch

HINT = (
    "A new nn.Module is in train mode, and load_state_dict does not change that: batch norm then normalises with "
    "each batch's own statistics (and updates the pretrained running ones on every call). Return the loaded model "
    "in eval mode, `return model.eval()`."
)


def load_pretrained(path):
    model = PretrainedNet()  # noqa: F821
    model.load_state_dict(safetensors.torch.load_file(path))
    return model  # MISTAKE
