from torch import nn

HINT = (
    "Conv kernels are weights too: decay every parameter with 2 or more dimensions (Linear and Conv weights "
    "alike), not only those of `nn.Linear`. `p.ndim >= 2` covers every kind of layer."
)


def param_groups(model, weight_decay):
    decay, no_decay = [], []
    for module in model.modules():
        for name, p in module.named_parameters(recurse=False):
            if isinstance(module, nn.Linear) and name == "weight":  # MISTAKE
                decay.append(p)
            else:
                no_decay.append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
