import torch

HINT = (
    "By default gradcheck raises GradcheckError (\"Jacobian mismatch ...\") when the gradients disagree. "
    "check_gradients must return False then: pass `raise_exception=False`, or catch "
    "the error (`from torch.autograd.gradcheck import GradcheckError`)."
)


def check_gradients(fn, *inputs):
    prepared = tuple(
        x.detach().to(torch.float64).requires_grad_(True) if isinstance(x, torch.Tensor) and x.is_floating_point() else x
        for x in inputs
    )
    return torch.autograd.gradcheck(fn, prepared)  # MISTAKE
