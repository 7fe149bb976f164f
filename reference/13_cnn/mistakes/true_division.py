HINT = (
    "`/` is true division and always gives a float (14.0, or 13.5 for a partial window). A size is an int, and a "
    "window that would run past the edge is dropped: floor with `//`."
)


def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    span = dilation * (kernel_size - 1) + 1
    if size + 2 * padding < span:
        raise ValueError("the kernel does not fit")
    return (size + 2 * padding - span) / stride + 1  # MISTAKE
