HINT = (
    "When the dilated kernel is larger than the padded input there is no valid position, and the formula gives 0 "
    "or less: raise ValueError in that case (`size + 2 * padding < dilation * (kernel_size - 1) + 1`), as PyTorch "
    "refuses such an input."
)


def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
