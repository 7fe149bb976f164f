HINT = (
    "Weight decay on every parameter also pulls biases and the weights of norm layers towards zero, which only "
    "hurts: make two groups, the parameters with 2+ dimensions with weight_decay, and the 1-D ones (biases, "
    "BatchNorm/LayerNorm weights) with \"weight_decay\": 0.0."
)


def param_groups(model, weight_decay):
    return [{"params": list(model.parameters()), "weight_decay": weight_decay}]  # MISTAKE
