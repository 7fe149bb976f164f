import torch

HINT = (
    "max(x, 0) - x * y + log(1 + exp(-|x|)) has the right values, but `clamp`/`relu` and `abs` have kinks at 0 "
    "where autograd takes a one-sided slope: at a logit of exactly 0 (a zero-initialised output layer) the "
    "gradient comes out (1 - y) / n or -y / n instead of (sigmoid(0) - y) / n = (0.5 - y) / n. Use "
    "`torch.nn.functional.softplus(x) - x * y` (or `torch.logaddexp(torch.zeros_like(x), x)`), smooth everywhere."
)


def bce_with_logits(logits, targets):
    return (logits.clamp(min=0) - logits * targets + torch.log1p(torch.exp(-logits.abs()))).mean()  # MISTAKE
