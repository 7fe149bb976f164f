import torch

HINT = (
    "`torch.optim.Adam(..., weight_decay=...)` adds an L2 term to the gradient, which Adam's scaling then weakens; "
    "AdamW decays the weights directly (decoupled weight decay, 11 and 12). Use `torch.optim.AdamW`."
)


def make_optimizer(model, lr, weight_decay):
    trainable = [p for p in model.parameters() if p.requires_grad]
    return torch.optim.Adam(  # MISTAKE
        [
            {"params": [p for p in trainable if p.ndim >= 2], "weight_decay": weight_decay},
            {"params": [p for p in trainable if p.ndim < 2], "weight_decay": 0.0},
        ],
        lr=lr,
    )
