import math

import torch

HINT = (
    "Mask the scores before the softmax, not the weights after it: zeroing weights afterwards leaves the rest "
    "summing to less than 1 (the blocked keys still took their share of the softmax). `masked_fill(~mask, -inf)` "
    "on the scores makes the softmax share everything among the visible keys."
)


def scaled_dot_product_attention(q, k, v, mask=None, is_causal=False):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None and mask.dtype != torch.bool:
        scores = scores + mask
    weights = scores.softmax(dim=-1).nan_to_num(0.0)
    if mask is not None and mask.dtype == torch.bool:
        weights = weights * mask
    if is_causal:
        weights = weights * torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
    return weights @ v
