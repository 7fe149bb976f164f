import math

import torch

HINT = (
    "A query whose keys are all masked has a row of -inf scores, and softmax of that row is 0 / 0 = nan, which then "
    "spreads through every gradient. Find those rows, `torch.isneginf(scores).all(-1, keepdim=True)`, and give them "
    "zero weights (so the output there is 0), as F.scaled_dot_product_attention does."
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
    return torch.softmax(scores, dim=-1) @ v  # MISTAKE
