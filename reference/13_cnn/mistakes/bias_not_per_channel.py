import torch.nn.functional as F

HINT = (
    "The bias has one value per output channel, and (N, O, L) has its channels on dimension 1: broadcasting lines "
    "shapes up from the right, so `out + bias` adds it along the positions instead. Add `bias.view(1, O, 1)` "
    "(or `bias[:, None]`)."
)


def conv2d_unfold(x, weight, bias=None, stride=1, padding=0):
    n, _, height, width = x.shape
    out_channels, _, kh, kw = weight.shape
    h_out = (height + 2 * padding - kh) // stride + 1
    w_out = (width + 2 * padding - kw) // stride + 1
    cols = F.unfold(x, (kh, kw), padding=padding, stride=stride)
    out = weight.reshape(out_channels, -1) @ cols
    if bias is not None:
        out = out + bias  # MISTAKE
    return out.view(n, out_channels, h_out, w_out)
