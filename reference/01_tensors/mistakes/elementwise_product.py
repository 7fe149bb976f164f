
HINT = '`*` multiplies element by element; the matrix product is `x @ y` (or `torch.matmul`).'


def matmul_reshape(x, y, shape):
    return (x * y).reshape(shape)  # MISTAKE
