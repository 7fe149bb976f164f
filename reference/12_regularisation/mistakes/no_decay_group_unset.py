HINT = (
    "A parameter group without \"weight_decay\" takes the optimizer's default, and AdamW's default is 0.01, so "
    "the biases still decay. Set `\"weight_decay\": 0.0` in the second group explicitly."
)


def param_groups(model, weight_decay):
    decay = [p for p in model.parameters() if p.ndim >= 2]
    no_decay = [p for p in model.parameters() if p.ndim < 2]
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay}]  # MISTAKE
