HINT = (
    "Count positions, not steps: a kernel that fits exactly has one position, so the formula ends in `+ 1`: "
    "`(size + 2 * padding - span) // stride + 1`."
)


def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    span = dilation * (kernel_size - 1) + 1
    if size + 2 * padding < span:
        raise ValueError("the kernel does not fit")
    return (size + 2 * padding - span) // stride  # MISTAKE
