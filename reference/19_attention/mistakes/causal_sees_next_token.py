import math

import torch

HINT = (
    "The causal mask keeps keys 0..i for query i: `torch.ones(L, S, dtype=torch.bool).tril()`. With `tril(1)` (or "
    "`triu(2)` as the blocked part) each query also sees the next token, the one a language model is trained to "
    "predict."
)


def scaled_dot_product_attention(q, k, v, mask=None, is_causal=False):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = scores.masked_fill(~mask, float("-inf"))
        else:
            scores = scores + mask
    if is_causal:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril(diagonal=1)  # MISTAKE
        scores = scores.masked_fill(~keep, float("-inf"))
    blocked = torch.isneginf(scores).all(dim=-1, keepdim=True)
    weights = scores.masked_fill(blocked, 0.0).softmax(dim=-1)
    weights = weights.masked_fill(blocked, 0.0)
    return weights @ v
