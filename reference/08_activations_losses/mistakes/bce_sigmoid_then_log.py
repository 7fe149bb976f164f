import torch

HINT = (
    "sigmoid(x) rounds to exactly 1.0 in float32 once x > 17 (and to 0 below about -104), so "
    "log(1 - sigmoid(x)) is log(0) = -inf, and 0 * -inf is nan. Simplify before computing: "
    "-[y log(sigmoid(x)) + (1 - y) log(1 - sigmoid(x))] = softplus(x) - x * y, and "
    "`torch.nn.functional.softplus` never takes log(0)."
)


def bce_with_logits(logits, targets):
    p = torch.sigmoid(logits)
    return -(targets * torch.log(p) + (1 - targets) * torch.log(1 - p)).mean()  # MISTAKE
