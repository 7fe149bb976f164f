"""19 with torch.where for every mask and the weights from logsumexp (exp(scores - logsumexp)); the
multi-head module never transposes: q, k and v stay (N, L, H, D), and einsum names the axes, so
'nlhd,nshd->nhls' and 'nhls,nshd->nlhd' do the head split and merge."""
import math

import torch
from torch import nn


def _attend(scores, v_equation, v):
    blocked = torch.isneginf(scores).all(dim=-1, keepdim=True)
    scores = torch.where(blocked, torch.zeros_like(scores), scores)
    weights = torch.exp(scores - torch.logsumexp(scores, dim=-1, keepdim=True))
    weights = torch.where(blocked, torch.zeros_like(weights), weights)
    return torch.einsum(v_equation, weights, v)


def _masked(scores, mask, is_causal):
    neg_inf = torch.tensor(float("-inf"), dtype=scores.dtype)
    if mask is not None:
        scores = torch.where(mask, scores, neg_inf) if mask.dtype == torch.bool else scores + mask
    if is_causal:
        rows = torch.arange(scores.shape[-2])[:, None]
        cols = torch.arange(scores.shape[-1])[None, :]
        scores = torch.where(cols <= rows, scores, neg_inf)
    return scores


def scaled_dot_product_attention(q, k, v, mask=None, is_causal=False):
    scores = (q / math.sqrt(q.shape[-1])) @ k.mT
    return _attend(_masked(scores, mask, is_causal), "...ls,...sd->...ld", v)


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, embed_dim, num_heads):
        super().__init__()
        self.heads, rest = divmod(embed_dim, num_heads)
        if rest:
            raise ValueError("embed_dim % num_heads != 0")
        self.heads = num_heads
        self.in_proj = nn.Linear(embed_dim, 3 * embed_dim)
        self.out_proj = nn.Linear(embed_dim, embed_dim)

    def forward(self, x, key_padding_mask=None, is_causal=False):
        n, length, e = x.shape
        q, k, v = self.in_proj(x).reshape(n, length, 3, self.heads, e // self.heads).unbind(dim=2)  # (N, L, H, D) each
        scores = torch.einsum("nlhd,nshd->nhls", q, k) / math.sqrt(e // self.heads)
        mask = None if key_padding_mask is None else ~key_padding_mask.view(n, 1, 1, length)
        out = _attend(_masked(scores, mask, is_causal), "nhls,nshd->nlhd", v)
        return self.out_proj(out.reshape(n, length, e))
