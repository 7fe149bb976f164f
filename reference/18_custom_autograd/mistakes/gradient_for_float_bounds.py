import torch

HINT = (
    "low and high are Python floats, not tensors: autograd cannot give them a gradient, so backward must return "
    "None in their places (\"returned a gradient different than None at position 2, but the corresponding "
    "forward input was not a Variable\"). To learn a bound, it would have to be passed as a tensor that "
    "requires grad."
)


class Clamp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, low, high):
        ctx.save_for_backward(x)
        ctx.low, ctx.high = low, high
        return x.clamp(low, high)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        grad_x = grad_output * ((x >= ctx.low) & (x <= ctx.high))
        grad_low = (grad_output * (x < ctx.low)).sum()  # the output follows low where x is below it
        grad_high = (grad_output * (x > ctx.high)).sum()
        return grad_x, grad_low, grad_high
