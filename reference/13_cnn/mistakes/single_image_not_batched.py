import torch

HINT = (
    "Layers take batches: a single image (H, W, C) must become a batch of one, shape (1, C, H, W). Add the batch "
    "dimension with `images.unsqueeze(0)` when `images.ndim == 3`."
)


def prepare_images(images):
    return images.movedim(-1, -3).to(torch.float32) / 255
