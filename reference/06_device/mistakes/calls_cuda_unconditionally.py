import torch
from torch import Tensor

HINT = (
    "`.cuda()` and `\"cuda\"` assume an NVIDIA GPU, and fail with 'Torch not compiled with CUDA enabled' without "
    "one: move things with `.to(device)`, where `device` is the argument (from `pick_device()`)."
)


def to_device(obj, device):
    if isinstance(obj, Tensor):
        return obj.cuda()
    if isinstance(obj, dict):
        return {k: to_device(v, device) for k, v in obj.items()}
    if isinstance(obj, list):
        return [to_device(v, device) for v in obj]
    if isinstance(obj, tuple):
        return tuple(to_device(v, device) for v in obj)
    return obj


def predict_on(model, inputs, device):
    model = model.cuda()
    model.eval()
    with torch.no_grad():
        out = model(inputs.cuda())
    return out.cpu()
