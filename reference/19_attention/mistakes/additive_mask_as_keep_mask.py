import math

import torch

HINT = (
    "A float mask is added to the scores (0 = no change, -inf = blocked, other values a bias); it is not a "
    "keep/drop mask of 1.0 and 0.0. `masked_fill(mask == 0, -inf)` blocks exactly the keys an additive mask leaves "
    "alone. Use `scores + mask` for float masks, and masked_fill(~mask, -inf) for boolean ones."
)


def scaled_dot_product_attention(q, k, v, mask=None, is_causal=False):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = scores.masked_fill(mask == 0, float("-inf"))
        else:
            scores = scores.masked_fill(mask == 0, float("-inf"))  # MISTAKE
    if is_causal:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
        scores = scores.masked_fill(~keep, float("-inf"))
    blocked = torch.isneginf(scores).all(dim=-1, keepdim=True)
    weights = scores.masked_fill(blocked, 0.0).softmax(dim=-1)
    weights = weights.masked_fill(blocked, 0.0)
    return weights @ v
