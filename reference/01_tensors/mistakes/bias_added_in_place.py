
HINT = "`matrix += bias` changes the caller's tensor in place; `matrix + bias` makes a new one."


def add_row_bias(matrix, bias):
    matrix += bias  # MISTAKE
    return matrix
