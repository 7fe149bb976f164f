from torch import nn

HINT = (
    "After merging the heads, apply `self.out_proj`: it mixes the H heads' findings into each output feature. "
    "Without it the output is the heads side by side, and out_proj's weights get no gradient."
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
        return out.transpose(1, 2).reshape(n, length, embed)  # MISTAKE
