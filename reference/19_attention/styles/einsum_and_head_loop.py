"""19 without -inf: scores through einsum, softmax written out with the max shift, blocked keys
multiplied by 0 after the exponential (a row with nothing visible sums to 0 and gets 0 / 1); the
multi-head module loops over the heads, taking each head's columns of q, k and v, and concatenates
the results before out_proj."""
import math

import torch
from torch import nn


def scaled_dot_product_attention(q, k, v, mask=None, is_causal=False):
    scores = torch.einsum("...ld,...sd->...ls", q, k) / math.sqrt(q.shape[-1])
    visible = torch.ones_like(scores, dtype=torch.bool)
    if mask is not None:
        if mask.dtype == torch.bool:
            visible = visible & mask
        else:
            visible = visible & ~torch.isneginf(mask)
            scores = scores + mask.masked_fill(torch.isneginf(mask), 0.0)  # finite biases only; -inf = invisible
    if is_causal:
        visible = visible & torch.ones(scores.shape[-2:], dtype=torch.bool).tril()
    top = scores.masked_fill(~visible, float("-inf")).amax(dim=-1, keepdim=True)
    top = torch.where(torch.isneginf(top), torch.zeros_like(top), top).detach()  # a constant shift per row
    e = torch.exp(scores - top) * visible
    total = e.sum(dim=-1, keepdim=True)
    weights = e / torch.where(total > 0, total, torch.ones_like(total))
    return torch.einsum("...ls,...sd->...ld", weights, v)


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, embed_dim, num_heads):
        super().__init__()
        if embed_dim % num_heads != 0:
            raise ValueError(f"{embed_dim} features do not split into {num_heads} heads")
        self.embed_dim = embed_dim
        self.num_heads = num_heads
        self.in_proj = nn.Linear(embed_dim, 3 * embed_dim)
        self.out_proj = nn.Linear(embed_dim, embed_dim)

    def forward(self, x, key_padding_mask=None, is_causal=False):
        e = self.embed_dim
        d = e // self.num_heads
        qkv = self.in_proj(x)
        q, k, v = qkv[..., :e], qkv[..., e:2 * e], qkv[..., 2 * e:]
        mask = None
        if key_padding_mask is not None:
            mask = (~key_padding_mask).unsqueeze(1)  # (N, 1, S): the same keys for every query
        heads = []
        for h in range(self.num_heads):
            cols = slice(h * d, (h + 1) * d)
            heads.append(scaled_dot_product_attention(q[..., cols], k[..., cols], v[..., cols], mask, is_causal))
        return self.out_proj(torch.cat(heads, dim=-1))
