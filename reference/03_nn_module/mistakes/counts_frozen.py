HINT = (
    "Count only trainable parameters: a frozen parameter has `requires_grad == False` and is never updated. "
    "Keep `p` only `if p.requires_grad`."
)


def count_parameters(model):
    total = 0
    for p in model.parameters():
        total += p.numel()  # MISTAKE
    return total
