import math

import torch

HINT = (
    "In F.scaled_dot_product_attention's boolean masks True means \"may attend\": block the False entries, "
    "`scores.masked_fill(~mask, float('-inf'))`. (nn.MultiheadAttention's attn_mask and key_padding_mask use the "
    "opposite convention, True = masked out: the classic attention bug.)"
)


def scaled_dot_product_attention(q, k, v, mask=None, is_causal=False):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = scores.masked_fill(mask, float("-inf"))  # MISTAKE
        else:
            scores = scores + mask
    if is_causal:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
        scores = scores.masked_fill(~keep, float("-inf"))
    blocked = torch.isneginf(scores).all(dim=-1, keepdim=True)
    weights = scores.masked_fill(blocked, 0.0).softmax(dim=-1)
    weights = weights.masked_fill(blocked, 0.0)
    return weights @ v
