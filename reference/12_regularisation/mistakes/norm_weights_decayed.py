HINT = (
    "Biases are not the only parameters to spare: the weight of a BatchNorm or LayerNorm is a per-feature scale "
    "(1-D), and decaying it fights the normalisation. Go by `p.ndim` (2+ dimensions: decay; 1-D: no decay), "
    "not by the name \"bias\"."
)


def param_groups(model, weight_decay):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if name.endswith("bias"):  # MISTAKE
            no_decay.append(p)
        else:
            decay.append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
