import torch

HINT = (
    "`transpose(1, 3)` swaps channels and width, so (N, H, W, C) becomes (N, C, W, H): the images come out "
    "transposed. `permute(0, 3, 1, 2)` puts every axis where it belongs: (N, C, H, W)."
)


def prepare_images(images):
    if images.ndim == 3:
        images = images.unsqueeze(0)
    return images.transpose(1, 3).to(torch.float32) / 255  # MISTAKE
