HINT = (
    "`len(list(model.parameters()))` counts parameter tensors (a weight, a bias, ...); count the numbers they "
    "hold instead: `p.numel()` is the number of elements of one tensor."
)


def count_parameters(model):
    return len([p for p in model.parameters() if p.requires_grad])  # MISTAKE
