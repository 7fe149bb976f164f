from torch import nn

HINT = (
    "The heads come back as (N, H, L, D); `reshape(N, L, E)` straight from there reads them in memory order and "
    "mixes tokens with heads. Move the head axis back next to the features first: "
    "`out.transpose(1, 2).reshape(N, L, E)`, the inverse of the split."
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
        out = scaled_dot_product_attention(q, k, v, mask, is_causal)  # noqa: F821 - the reference's
        return self.out_proj(out.reshape(n, length, embed))  # MISTAKE
