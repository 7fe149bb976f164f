import math

import torch

HINT = (
    "-1e9 instead of -inf works until a query has no key to see: then every score in its row is -1e9, the softmax "
    "is uniform, and the query averages the values of keys it must not see (padding, the future). Fill with "
    "-inf, find the rows that are all -inf, and give them zeros."
)


def scaled_dot_product_attention(q, k, v, mask=None, is_causal=False):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = scores.masked_fill(~mask, -1e9)
        else:
            scores = scores + mask
    if is_causal:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
        scores = scores.masked_fill(~keep, -1e9)
    return scores.softmax(dim=-1) @ v
