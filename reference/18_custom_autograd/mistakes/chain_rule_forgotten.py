import torch

HINT = (
    "backward receives grad_output, the gradient of the loss with respect to SiLU's output, and must return "
    "the gradient with respect to x: grad_output times the local derivative (the chain rule), element by "
    "element. Returning the derivative alone is right only when grad_output is all ones, as after `.sum()`."
)


class SiLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * torch.sigmoid(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(x)
        return s * (1 + x * (1 - s))  # MISTAKE
