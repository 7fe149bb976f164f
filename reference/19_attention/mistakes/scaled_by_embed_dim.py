import math

import torch
from torch import nn

HINT = (
    "Each head attends with its own D = E / H features, so its scores are scaled by 1 / sqrt(D), not "
    "1 / sqrt(E): dot products of D features spread by about sqrt(D). Scaling by sqrt(E) flattens every head's "
    "softmax as the number of heads grows."
)


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, embed_dim, num_heads):
        super().__init__()
        if embed_dim % num_heads != 0:
            raise ValueError("embed_dim must be divisible by num_heads")
        self.num_heads, self.head_dim = num_heads, embed_dim // num_heads
        self.in_proj = nn.Linear(embed_dim, 3 * embed_dim)
        self.out_proj = nn.Linear(embed_dim, embed_dim)

    def forward(self, x, key_padding_mask=None, is_causal=False):
        n, length, embed = x.shape
        q, k, v = self.in_proj(x).chunk(3, dim=-1)
        q, k, v = (t.view(n, length, self.num_heads, self.head_dim).transpose(1, 2) for t in (q, k, v))
        mask = None if key_padding_mask is None else ~key_padding_mask[:, None, None, :]
        scores = q @ k.transpose(-2, -1) / math.sqrt(embed)  # MISTAKE
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        if is_causal:
            scores = scores.masked_fill(torch.ones(length, length, dtype=torch.bool).triu(1), float("-inf"))
        out = scores.softmax(dim=-1) @ v
        return self.out_proj(out.transpose(1, 2).reshape(n, length, embed))
