import torch

HINT = (
    "Your optimizer holds the frozen parameters too. AdamW skips a parameter only while its .grad is None: as "
    "soon as one has a .grad (left from before it was frozen, or zeros kept by zero_grad(set_to_none=False)), "
    "weight decay shrinks it although requires_grad is False. Keep only `[p for p in model.parameters() if "
    "p.requires_grad]`."
)


def make_optimizer(model, lr, weight_decay):
    params = list(model.parameters())  # MISTAKE
    return torch.optim.AdamW(
        [
            {"params": [p for p in params if p.ndim >= 2], "weight_decay": weight_decay},
            {"params": [p for p in params if p.ndim < 2], "weight_decay": 0.0},
        ],
        lr=lr,
    )
