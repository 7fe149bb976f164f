import torch

HINT = (
    "nn.Conv2d reads (N, C, H, W): channels first. Images arrive channels-last, (N, H, W, C), so passing them on "
    "as they are makes the layer read the image rows as channels. Move the channel axis: `permute(0, 3, 1, 2)`."
)


def prepare_images(images):
    if images.ndim == 3:
        images = images.unsqueeze(0)
    return images.to(torch.float32) / 255  # MISTAKE
