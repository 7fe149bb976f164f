import torch

HINT = (
    "SiLU is a product, x * sigmoid(x), so its derivative has two terms (product rule): "
    "s + x * s * (1 - s) with s = sigmoid(x), using sigmoid' = s * (1 - s). Yours is only s. "
    "Inside a custom Function autograd does not differentiate forward for you: backward is all there is."
)


class SiLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * torch.sigmoid(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * torch.sigmoid(x)  # MISTAKE
