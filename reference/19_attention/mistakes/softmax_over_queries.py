import math

import torch

HINT = (
    "The softmax runs over the keys, the last dim of the (..., L, S) scores: each query's weights over the S keys "
    "sum to 1. softmax(dim=-2) normalises over the queries instead, so a query's output is no longer an average of "
    "the values."
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
    blocked = torch.isneginf(scores).all(dim=-1, keepdim=True)
    weights = scores.masked_fill(blocked, 0.0).softmax(dim=-2)  # MISTAKE
    weights = weights.masked_fill(blocked, 0.0)
    return weights @ v
