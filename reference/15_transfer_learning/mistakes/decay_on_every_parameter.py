import torch

HINT = (
    "Weight decay on every trainable parameter also pulls the biases (and norm weights) towards zero. As in 12, "
    "make two groups: the trainable parameters with 2+ dimensions with weight_decay, the 1-D ones with "
    "\"weight_decay\": 0.0."
)


def make_optimizer(model, lr, weight_decay):
    return torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr, weight_decay=weight_decay)  # MISTAKE
