import math

import torch

HINT = (
    "is_causal aligns the mask top-left, as F.scaled_dot_product_attention does: query i sees keys 0..i even "
    "when S != L, `torch.ones(L, S, dtype=torch.bool).tril()`. Shifting it to the bottom-right (`tril(S - L)`) is "
    "another convention, for queries that come after a cache of keys (`torch.nn.attention.bias.causal_lower_right`)."
)


def scaled_dot_product_attention(q, k, v, mask=None, is_causal=False):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = scores.masked_fill(~mask, float("-inf"))
        else:
            scores = scores + mask
    if is_causal:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril(diagonal=k.shape[-2] - q.shape[-2])  # MISTAKE
        scores = scores.masked_fill(~keep, float("-inf"))
    blocked = torch.isneginf(scores).all(dim=-1, keepdim=True)
    weights = scores.masked_fill(blocked, 0.0).softmax(dim=-1)
    weights = weights.masked_fill(blocked, 0.0)
    return weights @ v
