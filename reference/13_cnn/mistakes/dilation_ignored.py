HINT = (
    "Dilation spreads the kernel out: a kernel of size k with dilation d covers d * (k - 1) + 1 pixels, not k. "
    "Use that span in place of kernel_size: `(size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1`."
)


def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    if size + 2 * padding < kernel_size:
        raise ValueError("the kernel does not fit")
    return (size + 2 * padding - kernel_size) // stride + 1  # MISTAKE
