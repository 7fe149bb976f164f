HINT = (
    "Padding adds `padding` zeros on *both* sides: the padded input is size + 2 * padding pixels wide."
)


def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    span = dilation * (kernel_size - 1) + 1
    if size + padding < span:  # MISTAKE
        raise ValueError("the kernel does not fit")
    return (size + padding - span) // stride + 1  # MISTAKE
