import torch.nn.functional as F

HINT = (
    "Flatten the kernel in the order F.unfold lays out each patch: channel by channel, then row by row within the "
    "kernel, (C, kh, kw), which is exactly `weight.reshape(O, -1)`. Moving the channel axis last first, (kh, kw, C), "
    "pairs each weight with the wrong input value."
)


def conv2d_unfold(x, weight, bias=None, stride=1, padding=0):
    n, _, height, width = x.shape
    out_channels, _, kh, kw = weight.shape
    h_out = (height + 2 * padding - kh) // stride + 1
    w_out = (width + 2 * padding - kw) // stride + 1
    cols = F.unfold(x, (kh, kw), padding=padding, stride=stride)
    kernel = weight.permute(0, 2, 3, 1).reshape(out_channels, -1)  # MISTAKE
    out = kernel @ cols
    if bias is not None:
        out = out + bias.view(1, -1, 1)
    return out.view(n, out_channels, h_out, w_out)
