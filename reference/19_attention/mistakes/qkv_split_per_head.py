from torch import nn

HINT = (
    "in_proj's 3E outputs are [all of q | all of k | all of v], E each (nn.MultiheadAttention's in_proj_weight is "
    "W_q, W_k, W_v stacked): `q, k, v = self.in_proj(x).chunk(3, dim=-1)`, then split each into heads. Viewing the "
    "3E outputs as (N, L, H, 3 * D) first assumes a per-head [q | k | v] layout, which these weights do not have."
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
        qkv = self.in_proj(x).view(n, length, self.num_heads, 3 * self.head_dim).transpose(1, 2)  # MISTAKE
        q, k, v = qkv.chunk(3, dim=-1)
        mask = None if key_padding_mask is None else ~key_padding_mask[:, None, None, :]
        out = scaled_dot_product_attention(q, k, v, mask, is_causal)  # noqa: F821 - the reference's
        return self.out_proj(out.transpose(1, 2).reshape(n, length, embed))
