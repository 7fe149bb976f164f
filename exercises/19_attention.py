"""19 · Attention

Attention lets every position of a sequence look at every other and take what it
needs. Each query vector is compared with every key vector by a dot product; a
softmax over the keys turns the scores into weights that sum to 1; the output is
the weighted average of the value vectors:

    attention(q, k, v) = softmax(q @ k^T / sqrt(E), dim=-1) @ v

with q of shape (..., L, E) (L queries), k (..., S, E) and v (..., S, Ev) (S keys
and values). Dividing by sqrt(E) keeps the scores near unit size whatever E is: dot
products of E random features spread by about sqrt(E), and a softmax of large
scores is nearly one-hot, with gradients close to 0.

A *mask* decides which keys a query may see. Setting a score to -inf before the
softmax gives that key weight exp(-inf) = 0. A boolean mask and a float mask mean
different things, and the two boolean conventions in PyTorch are OPPOSITE, the
classic attention bug:

    F.scaled_dot_product_attention(attn_mask=bool)   True = may attend
    nn.MultiheadAttention(attn_mask=bool,            True = masked out (padding, future)
                          key_padding_mask=bool)

A float mask is added to the scores (0 leaves a score alone, -inf blocks it, other
values bias it, as relative-position schemes such as ALiBi do). A *causal* mask
lets query i see keys 0..i only, so a language model cannot read the future.

*Multi-head* attention runs H attentions side by side on E / H features each: one
Linear projects x to q, k and v; each is split into heads, (N, L, E) ->
(N, L, H, D) -> (N, H, L, D), so that heads act like a batch dimension; each head
attends; the heads are merged back, (N, H, L, D) -> (N, L, E), and a last Linear
mixes them. `nn.MultiheadAttention(E, H, batch_first=True)` does exactly this,
with the q, k, v weights packed in one (3E, E) `in_proj_weight`; your module keeps
the same layout, so its weights copy straight in.

Useful calls: `@`, `k.transpose(-2, -1)`, `math.sqrt`, `masked_fill`,
`torch.where`, `softmax(dim=-1)`, `torch.ones(L, S, dtype=torch.bool).tril()`,
`torch.isneginf`, `view`/`reshape`, `transpose`, `chunk`. In your own models call
`F.scaled_dot_product_attention`: it computes the same thing with a fused kernel
(flash attention on a GPU; choose one with `torch.nn.attention.sdpa_kernel`, which
replaced the deprecated `torch.backends.cuda.sdp_kernel`). Here you write it
yourself: it is off limits in `scaled_dot_product_attention`, and allowed inside
`MultiHeadSelfAttention`. Older tutorials fill masked scores with -1e9 and build
masks of 1.0 / 0.0 compared with `== 0`; with -inf and boolean masks, a query with
nothing to see is detectable, and float masks keep their meaning as biases.

This builds on 03 (nn.Module and nn.Linear), 08 (softmax, and -inf for what must
get no weight) and 14 (padded batches: a key_padding_mask is how attention skips
the padding). As everywhere since 02, the checks compare your outputs AND the
gradients of q, k, v, a float mask and every weight with the reference's, which
match PyTorch's own.

Fill in the function and the class, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 19
"""

import math  # noqa: F401 (math.sqrt)

import torch  # noqa: F401 (torch.ones, torch.isneginf, ...)
import torch.nn.functional as F  # noqa: F401 (allowed in MultiHeadSelfAttention)
from torch import Tensor, nn


def scaled_dot_product_attention(
    q: Tensor, k: Tensor, v: Tensor, mask: Tensor | None = None, is_causal: bool = False
) -> Tensor:
    """Return softmax(q @ k^T / sqrt(E), dim=-1) @ v, with `mask` and `is_causal` applied to the scores.

    q: (..., L, E); k: (..., S, E); v: (..., S, Ev), float32 or float64, with the same leading
    dimensions (any number of them, none included). The result is (..., L, Ev), in q's dtype,
    differentiable with respect to q, k, v (and a float mask). Values and gradients must match
    `F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=is_causal)`, which may not be
    called here, nor may `F.multi_head_attention_forward` or torch's private kernels
    `torch._scaled_dot_product_attention_math` and `torch._native_multi_head_attention`.

    - mask None: every query sees every key.
    - mask of dtype torch.bool, broadcastable to (..., L, S): True = this query may attend to this key
      (F.scaled_dot_product_attention's convention), False = blocked.
    - mask of a float dtype, broadcastable to (..., L, S): added to the scores before the softmax
      (0 = no change, -inf = blocked).
    - is_causal=True: query i may attend to keys 0..i only, itself included, counted from the start
      even when S != L: the keys kept are `torch.ones(L, S, dtype=torch.bool).tril()`.
    - A mask and is_causal=True may come together: a key is visible only if both allow it.
      (F.scaled_dot_product_attention itself refuses that pair; combine them into one mask there.)
    - A query with no visible key at all gets zeros as its output (not nan), and passes no gradient
      back, as F.scaled_dot_product_attention does.

    >>> q = k = torch.tensor([[1.0, 0.0], [0.0, 1.0]]); v = torch.tensor([[1.0, 0.0], [0.0, 10.0]])
    >>> scaled_dot_product_attention(q, k, v)
    tensor([[0.6698, 3.3024],
            [0.3302, 6.6976]])
    >>> scaled_dot_product_attention(q, k, v, is_causal=True)
    tensor([[1.0000, 0.0000],
            [0.3302, 6.6976]])
    >>> scaled_dot_product_attention(q, k, v, mask=torch.tensor([[True, False], [False, False]]))
    tensor([[1., 0.],
            [0., 0.]])
    """
    # TODO: scores, masks, a softmax over the keys (rows with nothing to see get zeros), then the values
    raise NotImplementedError


class MultiHeadSelfAttention(nn.Module):
    """Multi-head self-attention on batch-first sequences, with nn.MultiheadAttention's weight layout.

    `MultiHeadSelfAttention(embed_dim, num_heads)`: E = embed_dim features split into H = num_heads
    heads of D = E // H features; raise ValueError if E is not divisible by H. It has exactly two
    layers with parameters, under these names (the checks copy nn.MultiheadAttention's weights in):

        self.in_proj  = nn.Linear(E, 3 * E)   # outputs [q | k | v], E each: in_proj_weight's layout
        self.out_proj = nn.Linear(E, E)       # nn.MultiheadAttention's out_proj

    `forward(x, key_padding_mask=None, is_causal=False)`: x is (N, L, E) (batch first); returns
    (N, L, E), differentiable with respect to x and every weight. Per head, attention as in
    `scaled_dot_product_attention` (scale 1 / sqrt(D): each head's own features). key_padding_mask is
    None or a boolean (N, L) tensor, True at padding: with nn.MultiheadAttention's convention,
    True = this key is masked out, for every query and head (the opposite of attention's boolean
    masks). is_causal=True lets token i attend to tokens 0..i only. Both may come together; every
    sequence has at least its first token real. Output and gradients must match

        mha = nn.MultiheadAttention(E, H, batch_first=True)   # with the same weights
        mha(x, x, x, key_padding_mask=key_padding_mask, need_weights=False,
            attn_mask=torch.ones(L, L, dtype=torch.bool).triu(1) if is_causal else None)[0]

    Build the heads yourself: calling `F.multi_head_attention_forward` (what nn.MultiheadAttention
    calls) or `torch._native_multi_head_attention` fails the check (F.scaled_dot_product_attention,
    or your own function above, is allowed here).

    >>> model = MultiHeadSelfAttention(8, 2)
    >>> model(torch.randn(3, 5, 8), key_padding_mask=torch.zeros(3, 5, dtype=torch.bool)).shape
    torch.Size([3, 5, 8])
    >>> sorted(name for name, _ in model.named_parameters())
    ['in_proj.bias', 'in_proj.weight', 'out_proj.bias', 'out_proj.weight']
    """

    def __init__(self, embed_dim: int, num_heads: int) -> None:
        # TODO: super().__init__(), the check, in_proj and out_proj
        raise NotImplementedError

    def forward(self, x: Tensor, key_padding_mask: Tensor | None = None, is_causal: bool = False) -> Tensor:
        # TODO: project, split into heads, attend, merge the heads, project again
        raise NotImplementedError
