
HINT = 'The matrix product is not commutative: `x @ y` is not `y @ x`.'


def matmul_reshape(x, y, shape):
    return (y @ x).reshape(shape)  # MISTAKE
