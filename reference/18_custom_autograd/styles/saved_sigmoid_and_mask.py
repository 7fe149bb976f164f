"""18 saving what backward uses instead of the input: SiLU keeps x and sigmoid(x) (never the output),
Clamp keeps only the boolean mask of where the gradient passes, and check_gradients
converts with torch.as_tensor and a loop."""
import torch


class SiLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        s = x.sigmoid()
        ctx.save_for_backward(x, s)  # s is ours: nobody else can change it in place
        return x * s

    @staticmethod
    def backward(ctx, grad_output):
        x, s = ctx.saved_tensors
        ds = s * (1 - s)
        return grad_output * (s + x * ds)


class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.round(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.clone()


class Clamp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, low, high):
        ctx.save_for_backward((x >= low) & (x <= high))
        return x.clamp(low, high)

    @staticmethod
    def backward(ctx, grad_output):
        (passes,) = ctx.saved_tensors
        grad = grad_output * passes.to(grad_output.dtype) if ctx.needs_input_grad[0] else None
        return grad, None, None


def check_gradients(fn, *inputs):
    converted = []
    for x in inputs:
        if isinstance(x, torch.Tensor) and x.dtype in (torch.float16, torch.bfloat16, torch.float32, torch.float64):
            x = torch.as_tensor(x, dtype=torch.float64).clone().requires_grad_(True)
        converted.append(x)
    return bool(torch.autograd.gradcheck(fn, converted, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=False))
