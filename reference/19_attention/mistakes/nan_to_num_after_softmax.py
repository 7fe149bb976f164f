import math

import torch

HINT = (
    "`nan_to_num` after the softmax repairs the values of a fully masked row but not its gradient: softmax's "
    "backward at a row of -inf is still nan, and an additive mask (`scores + mask`) passes that nan on to q, k and "
    "the mask. Replace such rows before the softmax (`scores.masked_fill(blocked, 0.0)`), then zero their weights."
)


def scaled_dot_product_attention(q, k, v, mask=None, is_causal=False):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = scores.masked_fill(~mask, float("-inf"))
        else:
            scores = scores + mask
    if is_causal:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
        scores = scores.masked_fill(~keep, float("-inf"))
    return torch.softmax(scores, dim=-1).nan_to_num(0.0) @ v  # MISTAKE
