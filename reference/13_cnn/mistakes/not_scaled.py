HINT = (
    "The values must lie in [0, 1]: divide by 255 after converting to float. Raw 0..255 inputs make the "
    "activations (and the gradients) 255 times larger than the model was designed for."
)


def prepare_images(images):
    if images.ndim == 3:
        images = images.unsqueeze(0)
    return images.permute(0, 3, 1, 2).float()  # MISTAKE
