import torch.nn.functional as F

HINT = (
    "`cols.transpose(1, 2) @ kernel.T` is (N, L, O): positions first. Viewing that as (N, O, H_out, W_out) keeps the "
    "memory order and scrambles channels with positions; transpose it back to (N, O, L) first, or compute "
    "`weight.reshape(O, -1) @ cols`, which is (N, O, L) already."
)


def conv2d_unfold(x, weight, bias=None, stride=1, padding=0):
    n, _, height, width = x.shape
    out_channels, _, kh, kw = weight.shape
    h_out = (height + 2 * padding - kh) // stride + 1
    w_out = (width + 2 * padding - kw) // stride + 1
    cols = F.unfold(x, (kh, kw), padding=padding, stride=stride)
    out = cols.transpose(1, 2) @ weight.view(out_channels, -1).t()  # MISTAKE
    if bias is not None:
        out = out + bias
    return out.reshape(n, out_channels, h_out, w_out)
