"""13 · Convolutional networks: a reference solution (learners see this with
`pytorch-tutor solution 13` once they have passed).

In practice `nn.Conv2d` does the convolution (and `nn.LazyLinear` can even work out the flatten
size for you); `conv2d_unfold` shows that a convolution is one matrix product over image patches.
"""

import torch
import torch.nn.functional as F
from torch import nn


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    # A dilated kernel spans dilation * (kernel_size - 1) + 1 pixels. It fits in the padded input
    # at positions 0, stride, 2 * stride, ...: the last start is size + 2 * padding - span.
    span = dilation * (kernel_size - 1) + 1
    if size + 2 * padding < span:
        raise ValueError(f"a kernel spanning {span} pixels does not fit in {size} + 2 * {padding} padded pixels")
    # `//` floors, as nn.Conv2d and nn.MaxPool2d do (ceil_mode=False): a partial window is dropped.
    return (size + 2 * padding - span) // stride + 1


class SmallCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, kernel_size=3, padding=1)  # padding 1 keeps 28 x 28 ("same")
        self.conv2 = nn.Conv2d(8, 16, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)  # halves height and width; it has no parameters, so one can be reused
        # 28 -> pool -> 14 -> pool -> 7: conv_output_size(28, 2, stride=2) == 14, then 7.
        self.fc = nn.Linear(16 * 7 * 7, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(torch.relu(self.conv1(x)))  # (N, 8, 14, 14)
        x = self.pool(torch.relu(self.conv2(x)))  # (N, 16, 7, 7)
        x = torch.flatten(x, start_dim=1)  # (N, 784): keep the batch dimension
        return self.fc(x)  # logits: nn.CrossEntropyLoss applies log-softmax itself


def prepare_images(images: torch.Tensor) -> torch.Tensor:
    if images.ndim == 3:
        images = images.unsqueeze(0)  # one image (H, W, C) becomes a batch of one
    # (N, H, W, C) -> (N, C, H, W): permute moves whole axes. reshape/view would keep the memory
    # order and mix the channels of neighbouring pixels.
    images = images.permute(0, 3, 1, 2)
    # uint8 holds 0..255; layers compute in float32, and inputs in [0, 1] keep activations small.
    return images.to(torch.float32) / 255


def conv2d_unfold(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, stride: int = 1, padding: int = 0
) -> torch.Tensor:
    n, _, height, width = x.shape
    out_channels, _, kh, kw = weight.shape
    h_out = conv_output_size(height, kh, stride, padding)
    w_out = conv_output_size(width, kw, stride, padding)
    # Every kh x kw patch becomes a column of length C * kh * kw, ordered channel by channel, then
    # row by row within the kernel: the same order as weight.reshape(out_channels, -1).
    cols = F.unfold(x, (kh, kw), padding=padding, stride=stride)  # (N, C * kh * kw, h_out * w_out)
    out = weight.reshape(out_channels, -1) @ cols  # (N, out_channels, h_out * w_out), broadcast over N
    if bias is not None:
        out = out + bias.view(1, out_channels, 1)  # one bias per output channel
    return out.view(n, out_channels, h_out, w_out)  # the patches ran row by row over the output
