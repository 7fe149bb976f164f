import torch

HINT = (
    "`reshape` (and `view`) keep the elements in memory order, so reshaping (N, H, W, C) to (N, C, H, W) mixes "
    "the channels of neighbouring pixels. Moving an axis is `permute(0, 3, 1, 2)` (or `movedim(-1, 1)`)."
)


def prepare_images(images):
    if images.ndim == 3:
        images = images.unsqueeze(0)
    n, h, w, c = images.shape
    return images.reshape(n, c, h, w).to(torch.float32) / 255  # MISTAKE
