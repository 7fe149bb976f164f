"""13 · Convolutional networks

A convolution slides a small kernel over an image and takes a weighted sum of
each patch it covers: `nn.Conv2d(in_channels, out_channels, kernel_size,
stride=1, padding=0, dilation=1)` maps a batch of shape (N, C_in, H, W) to
(N, C_out, H_out, W_out), with the same weights at every position. Its weight
has shape (C_out, C_in, kh, kw). `nn.MaxPool2d(2)` keeps the largest value of
each 2 x 2 window, halving height and width. Both follow one rule for the size
of the output, per side: the kernel spans `dilation * (kernel_size - 1) + 1`
pixels of the input padded by `padding` zeros on each side, and moves by
`stride`, dropping a window that would not fit.

A CNN stacks convolutions, nonlinearities and pooling, then flattens the
feature maps (`torch.flatten(x, 1)` or `nn.Flatten()`, keeping the batch
dimension) into the features of a final `nn.Linear`: that layer's
`in_features` must be exactly channels * height * width of the last map, or
the forward pass fails with "mat1 and mat2 shapes cannot be multiplied"
(`nn.LazyLinear(out_features)` works it out on the first call). Layers expect
float32 batches in (N, C, H, W) order, while images usually arrive as uint8
(0..255) in (H, W, C) order: convert before calling the model (torchvision's
old `transforms.ToTensor()` did that; its replacement in `transforms.v2` is
`ToImage()` followed by `ToDtype(torch.float32, scale=True)`).

Under the hood a convolution is one matrix product: `F.unfold` cuts every
patch out as a column, and the kernel, flattened, multiplies all of them at
once.

Useful calls: `nn.Conv2d`, `nn.MaxPool2d`, `torch.relu`, `torch.flatten`,
`t.permute`, `t.unsqueeze`, `t.to(torch.float32)`, `F.unfold`, `t.reshape`.
This builds on 03 (nn.Module: here, layers of a new kind) and on 02's
gradients: the checks compare the gradients of your model and of your
convolution with the reference's.

Fill in the functions and the class, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 13
"""

import torch
import torch.nn.functional as F  # noqa: F401 (you will need F.unfold)
from torch import nn


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Return the output height (or width) of `nn.Conv2d` or `nn.MaxPool2d` with these
    settings on an input `size` pixels high (or wide), as a Python int:

        (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1

    (floor division: a window that would run past the edge is dropped). If the dilated
    kernel is larger than the padded input (`size + 2 * padding < dilation * (kernel_size - 1) + 1`),
    raise ValueError, as PyTorch refuses such a layer's input.

    >>> conv_output_size(28, 3, padding=1)      # a "same" 3x3 convolution
    28
    >>> conv_output_size(28, 2, stride=2)       # nn.MaxPool2d(2)
    14
    >>> conv_output_size(7, 3, stride=2, dilation=2)
    2
    >>> conv_output_size(2, 5)
    Traceback (most recent call last):
    ValueError: ...
    """
    # TODO
    raise NotImplementedError


class SmallCNN(nn.Module):
    """A CNN for 1 x 28 x 28 images (MNIST-sized) that returns 10 logits per image:

        Conv2d(1, 8, kernel_size=3, padding=1) -> ReLU -> MaxPool2d(2)      # (N, 8, 14, 14)
        Conv2d(8, 16, kernel_size=3, padding=1) -> ReLU -> MaxPool2d(2)     # (N, 16, 7, 7)
        flatten, keeping the batch dimension -> Linear(16 * 7 * 7, 10)      # (N, 10)

    No other layers with parameters, and no softmax at the end: return the raw logits
    (`nn.CrossEntropyLoss` applies log-softmax itself). That makes 9098 parameters.

    >>> model = SmallCNN()
    >>> model(torch.rand(4, 1, 28, 28)).shape
    torch.Size([4, 10])
    >>> sum(p.numel() for p in model.parameters())
    9098
    """

    def __init__(self) -> None:
        """Call `super().__init__()`, then create the layers and assign them to attributes
        (or hold them in `nn.Sequential`)."""
        # TODO
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """`x` is a float32 batch of shape (N, 1, 28, 28); return logits of shape (N, 10)."""
        # TODO
        raise NotImplementedError


def prepare_images(images: torch.Tensor) -> torch.Tensor:
    """Turn uint8 images in channels-last order into a float32 batch the layers accept.

    `images` is a uint8 tensor, either a batch (N, H, W, C) or a single image (H, W, C),
    with C channels (1 for grey, 3 for RGB) and values 0..255. Return a float32 tensor of
    shape (N, C, H, W) (a single image becomes a batch of one, (1, C, H, W)) with values
    divided by 255, so they lie in [0, 1]. Move the channel axis; do not just reshape.
    Leave `images` itself unchanged.

    >>> rgb = torch.tensor([[[255, 0, 51]]], dtype=torch.uint8)   # one pixel: (H, W, C) = (1, 1, 3)
    >>> prepare_images(rgb)
    tensor([[[[1.0000]],
             [[0.0000]],
             [[0.2000]]]])
    >>> prepare_images(torch.zeros(8, 28, 28, 1, dtype=torch.uint8)).shape
    torch.Size([8, 1, 28, 28])
    """
    # TODO
    raise NotImplementedError


def conv2d_unfold(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, stride: int = 1, padding: int = 0
) -> torch.Tensor:
    """Return `F.conv2d(x, weight, bias, stride, padding)`, computed with `F.unfold` and a
    matrix product (`F.conv2d`, `torch.conv2d`, `torch.convolution`, `torch._convolution` and
    `nn.Conv2d` are off limits here).

    x: (N, C, H, W); weight: (O, C, kh, kw), kernels need not be square; bias: (O,) or None;
    stride and padding: ints, the same for height and width. The result has shape
    (N, O, H_out, W_out) with H_out, W_out from `conv_output_size`, and is differentiable
    with respect to x, weight and bias.

    `F.unfold(x, (kh, kw), padding=padding, stride=stride)` has shape (N, C * kh * kw, L):
    one column per output position (L = H_out * W_out, row by row), holding that patch
    channel by channel, and within a channel row by row.

    >>> x = torch.arange(9.0).reshape(1, 1, 3, 3)
    >>> conv2d_unfold(x, torch.ones(1, 1, 2, 2), torch.tensor([0.5]))
    tensor([[[[ 8.5000, 12.5000],
              [20.5000, 24.5000]]]])
    """
    # TODO
    raise NotImplementedError
