"""19 · Attention: a reference solution (learners see this with `pytorch-tutor solution 19` once they
have passed).

Attention is a softmax-weighted average of the values, weighted by how well each query matches each
key. Everything else is bookkeeping: which keys a query may see (masks), keeping the softmax
well-scaled (1 / sqrt(head_dim)), and moving heads in and out of the batch dimensions. In real code
call `F.scaled_dot_product_attention`, which picks a fused kernel; the masks and the head split are
yours either way.
"""

import math

import torch
from torch import Tensor, nn


def scaled_dot_product_attention(
    q: Tensor, k: Tensor, v: Tensor, mask: Tensor | None = None, is_causal: bool = False
) -> Tensor:
    # Dot products grow with the dimension: for random unit-variance entries their spread is about
    # sqrt(E). Dividing by sqrt(E) keeps the scores near unit size, so the softmax does not saturate
    # (and its gradients do not vanish) as E grows.
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])  # (..., L, S): query i against key j
    if mask is not None:
        if mask.dtype == torch.bool:
            # F.scaled_dot_product_attention's convention: True means "may attend". -inf gets weight
            # exp(-inf) = 0 in the softmax, whatever the other scores are.
            scores = scores.masked_fill(~mask, float("-inf"))
        else:
            scores = scores + mask  # an additive mask: a bias on each score (-inf blocks, 0 leaves alone)
    if is_causal:
        # Query i may see keys 0..i, counted from the start (top-left), even when S != L.
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril()
        scores = scores.masked_fill(~keep, float("-inf"))
    # A query whose every key is blocked has a row of -inf: softmax would give 0 / 0 = nan there, and
    # nan spreads through every gradient. Give such rows zero weights instead, as
    # F.scaled_dot_product_attention does: the output there is 0, and so is every gradient from it.
    blocked = torch.isneginf(scores).all(dim=-1, keepdim=True)
    weights = scores.masked_fill(blocked, 0.0).softmax(dim=-1)  # over the keys: each row sums to 1
    weights = weights.masked_fill(blocked, 0.0)
    return weights @ v  # (..., L, Ev): each query's weighted average of the values


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, embed_dim: int, num_heads: int) -> None:
        super().__init__()
        if embed_dim % num_heads != 0:
            raise ValueError(f"embed_dim ({embed_dim}) must be divisible by num_heads ({num_heads})")
        self.num_heads, self.head_dim = num_heads, embed_dim // num_heads
        # One Linear for q, k and v together, rows [W_q; W_k; W_v]: nn.MultiheadAttention's in_proj_weight
        # and in_proj_bias have exactly this layout, so its weights copy straight in.
        self.in_proj = nn.Linear(embed_dim, 3 * embed_dim)
        self.out_proj = nn.Linear(embed_dim, embed_dim)  # mixes what the heads found

    def forward(self, x: Tensor, key_padding_mask: Tensor | None = None, is_causal: bool = False) -> Tensor:
        n, length, embed = x.shape
        q, k, v = self.in_proj(x).chunk(3, dim=-1)  # each (N, L, E): the first E outputs are q, ...

        def heads(t: Tensor) -> Tensor:
            # (N, L, E) -> (N, L, H, D) splits each token's features into H groups of D; the transpose
            # then makes heads a batch dimension, (N, H, L, D). A plain reshape to (N, H, L, D) would
            # instead cut the sequence into pieces and mix tokens between heads.
            return t.view(n, length, self.num_heads, self.head_dim).transpose(1, 2)

        mask = None
        if key_padding_mask is not None:
            # nn.MultiheadAttention's key_padding_mask: True = padding, to be ignored. Attention's boolean
            # masks mean the opposite (True = may attend), so invert it, and broadcast it over heads and
            # queries: (N, S) -> (N, 1, 1, S).
            mask = ~key_padding_mask[:, None, None, :]
        # Each head attends with its own D features, so the scale is 1 / sqrt(D), not 1 / sqrt(E).
        out = scaled_dot_product_attention(heads(q), heads(k), heads(v), mask, is_causal)  # (N, H, L, D)
        # Merge the heads back: (N, H, L, D) -> (N, L, H, D) -> (N, L, E), the inverse of `heads`.
        out = out.transpose(1, 2).reshape(n, length, embed)
        return self.out_proj(out)
