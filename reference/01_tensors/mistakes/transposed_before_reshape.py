
HINT = '`reshape` reads elements in row-major order; transposing first changes which values go where.'


def matmul_reshape(x, y, shape):
    return (x @ y).T.reshape(shape)  # MISTAKE
