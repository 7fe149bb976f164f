"""19 with every mask turned into one additive bias (0 or -inf, causal included) and rows with nothing to
see found after the softmax's input is built; MultiHeadSelfAttention slices in_proj's weight with
F.linear, moves heads with unflatten/permute/flatten, and lets F.scaled_dot_product_attention (allowed
there) do each head's attention, with padding and causality combined into one boolean mask, since the
fused function refuses a mask together with is_causal."""
import math

import torch
import torch.nn.functional as F
from torch import nn


def scaled_dot_product_attention(q, k, v, mask=None, is_causal=False):
    length, keys = q.size(-2), k.size(-2)
    bias = torch.zeros(length, keys, dtype=q.dtype)
    if is_causal:
        bias = bias.masked_fill(torch.ones(length, keys, dtype=torch.bool).triu(1), float("-inf"))
    if mask is not None:
        if mask.dtype is torch.bool:
            bias = bias + torch.zeros(mask.shape, dtype=q.dtype).masked_fill(mask.logical_not(), float("-inf"))
        else:
            bias = bias + mask
    scores = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(q.size(-1))) + bias
    nothing = (scores == float("-inf")).all(dim=-1, keepdim=True)
    safe = torch.where(nothing, torch.zeros_like(scores), scores)
    weights = torch.where(nothing, torch.zeros_like(scores), F.softmax(safe, dim=-1))
    return torch.matmul(weights, v)


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, embed_dim, num_heads):
        super().__init__()
        if embed_dim % num_heads:
            raise ValueError("num_heads must divide embed_dim")
        self.embed_dim, self.num_heads = embed_dim, num_heads
        self.in_proj = nn.Linear(embed_dim, 3 * embed_dim)
        self.out_proj = nn.Linear(embed_dim, embed_dim)

    def forward(self, x, key_padding_mask=None, is_causal=False):
        e, h = self.embed_dim, self.num_heads
        w, b = self.in_proj.weight, self.in_proj.bias
        q, k, v = (F.linear(x, w[i * e:(i + 1) * e], b[i * e:(i + 1) * e]) for i in range(3))
        q, k, v = (t.unflatten(-1, (h, e // h)).permute(0, 2, 1, 3) for t in (q, k, v))  # (N, H, L, D)
        keep = None
        if key_padding_mask is not None:
            keep = key_padding_mask.logical_not()[:, None, None, :]
        if is_causal:
            length = x.shape[1]
            causal = torch.ones(length, length, dtype=torch.bool).tril()
            keep = causal if keep is None else keep & causal
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
        return self.out_proj(out.permute(0, 2, 1, 3).flatten(2))
