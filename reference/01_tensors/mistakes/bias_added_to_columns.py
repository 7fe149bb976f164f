
HINT = (
    'Broadcasting lines shapes up from the right: a (m,) bias is added to every row as is; '
    '`bias.unsqueeze(1)` would add it down the columns.'
)


def add_row_bias(matrix, bias):
    return matrix + bias.unsqueeze(1)  # MISTAKE
