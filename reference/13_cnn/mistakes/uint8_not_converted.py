HINT = (
    "Images come as uint8, whole numbers 0..255, but convolutions and their weights compute in float32 (a uint8 "
    "batch makes nn.Conv2d fail). Convert and scale: `.to(torch.float32) / 255`."
)


def prepare_images(images):
    if images.ndim == 3:
        images = images.unsqueeze(0)
    return images.permute(0, 3, 1, 2)  # MISTAKE
