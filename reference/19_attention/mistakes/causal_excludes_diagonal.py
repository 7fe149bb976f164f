import math

import torch

HINT = (
    "A causal query may attend to itself: query i sees keys 0..i, the diagonal included, so the keys kept are "
    "`torch.ones(L, S, dtype=torch.bool).tril()` (diagonal=0). `tril(-1)` hides each token from itself, and leaves "
    "the first query with nothing to see."
)


def scaled_dot_product_attention(q, k, v, mask=None, is_causal=False):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = scores.masked_fill(~mask, float("-inf"))
        else:
            scores = scores + mask
    if is_causal:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril(diagonal=-1)  # MISTAKE
        scores = scores.masked_fill(~keep, float("-inf"))
    blocked = torch.isneginf(scores).all(dim=-1, keepdim=True)
    weights = scores.masked_fill(blocked, 0.0).softmax(dim=-1)
    weights = weights.masked_fill(blocked, 0.0)
    return weights @ v
