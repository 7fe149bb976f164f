"""What `pytorch-tutor check 19` establishes (docs/authoring.md). Known mistakes: mistakes/*.py.

scaled_dot_product_attention is called with q, k, v (and a float mask) as fresh leaves that require
grad; the output is backpropagated with a fixed random weighting (a `.sum()` would hide a softmax
taken over the wrong dim, whose gradient then vanishes), and the output and every gradient are
compared with the reference's, which agrees with `F.scaled_dot_product_attention` in values and
gradients on every case here, fully masked rows included (verified when the exercise was written).
F.scaled_dot_product_attention itself is off limits in the learner's function. Each kind of mask has
a check of its own, so a failure names the situation.

MultiHeadSelfAttention is checked against nn.MultiheadAttention(batch_first=True): each probe builds
one with deterministic weights (`fill_parameters`), copies its in_proj_weight/in_proj_bias and
out_proj into the learner's `in_proj` and `out_proj` (the attribute names the contract states), and
compares the output, the gradient of x and the gradient of each copied weight with the reference's,
which matches nn.MultiheadAttention's output and gradients on every case here. Sequences mix lengths
and heads are at least 2 wherever a head split could hide, with L != head_dim, so a reshape that
forgets its transpose shows.
"""

import torch
from torch import nn

from grader.kit import Check, backpropagate, fill_parameters, with_gradients

HINTS = {
    "scaled_dot_product_attention": [
        "Attention is softmax(q @ k^T / sqrt(E)) @ v: each query's scores against every key, turned into weights "
        "that sum to 1 over the keys, then a weighted average of the values.",
        "`scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])` is (..., L, S). A boolean mask keeps the "
        "True entries: `scores.masked_fill(~mask, float('-inf'))`; a float mask is added. is_causal keeps "
        "`torch.ones(L, S, dtype=torch.bool).tril()`. Then `softmax(dim=-1)` over the keys, and `@ v`.",
        "Nearly there: after masking, `blocked = torch.isneginf(scores).all(-1, keepdim=True)`; "
        "`w = scores.masked_fill(blocked, 0.0).softmax(-1).masked_fill(blocked, 0.0)`; `return w @ v`: a query with "
        "no key to see gets zeros, not nan.",
    ],
    "MultiHeadSelfAttention": [
        "Multi-head attention projects x to q, k and v, splits each into H heads of D = E / H features, lets "
        "every head attend on its own, joins the heads again and mixes them with a last Linear.",
        "`q, k, v = self.in_proj(x).chunk(3, dim=-1)`; each head split is `t.view(N, L, H, D).transpose(1, 2)` "
        "(N, H, L, D); the merge is the inverse, `out.transpose(1, 2).reshape(N, L, E)`. key_padding_mask is "
        "True at padding: attention's boolean mask wants the opposite, `~key_padding_mask[:, None, None, :]`.",
        "Nearly there: `out = scaled_dot_product_attention(heads(q), heads(k), heads(v), mask, is_causal)`, "
        "then `return self.out_proj(out.transpose(1, 2).reshape(N, L, E))`, with "
        "`self.in_proj = nn.Linear(E, 3 * E)` and `self.out_proj = nn.Linear(E, E)` built in `__init__`.",
    ],
}

SDPA = [
    "torch.nn.functional.scaled_dot_product_attention",
    "torch.nn.functional.multi_head_attention_forward",
    "torch._scaled_dot_product_attention_math",
    "torch._native_multi_head_attention",
]
TOL = {"rtol": 1e-5, "atol": 1e-5}  # different orders of the same sums (einsum, fused kernels) round differently


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _int(g: torch.Generator, low: int, high: int) -> int:
    return int(torch.randint(low, high + 1, (1,), generator=g))


def _qkv(seed: int, batch: tuple, length: int, keys: int, dim: int, value_dim: int | None = None,
         dtype=torch.float32, scale: float = 1.5) -> tuple:
    g = _gen(seed)
    q = torch.randn(*batch, length, dim, generator=g, dtype=dtype) * scale
    k = torch.randn(*batch, keys, dim, generator=g, dtype=dtype) * scale
    v = torch.randn(*batch, keys, value_dim or dim, generator=g, dtype=dtype)
    return q, k, v


def _random_qkv(g: torch.Generator) -> tuple:
    batch = tuple(_int(g, 1, 3) for _ in range(_int(g, 0, 2)))
    length, keys, dim, value_dim = _int(g, 2, 5), _int(g, 2, 5), _int(g, 1, 8), _int(g, 1, 4)
    q = torch.randn(*batch, length, dim, generator=g) * 1.5
    k = torch.randn(*batch, keys, dim, generator=g) * 1.5
    return q, k, torch.randn(*batch, keys, value_dim, generator=g)


def _keep_one_per_row(mask: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """Some key stays visible to every query (rows with no key at all have a check of their own)."""
    pick = torch.randint(0, mask.shape[-1], mask.shape[:-1], generator=g)
    return mask | (torch.arange(mask.shape[-1]) == pick[..., None])


def _bool_mask(seed: int, *shape: int) -> torch.Tensor:
    g = _gen(seed)
    return _keep_one_per_row(torch.rand(*shape, generator=g) < 0.5, g)


def _random_bool_mask(g: torch.Generator) -> tuple:
    q, k, v = _random_qkv(g)
    shape = (q.shape[-2], k.shape[-2]) if _int(g, 0, 1) else (*q.shape[:-2], q.shape[-2], k.shape[-2])
    return q, k, v, _keep_one_per_row(torch.rand(shape, generator=g) < 0.5, g)


def _additive(seed: int, length: int, keys: int, dtype=torch.float32) -> torch.Tensor:
    """A bias on every score (ALiBi-like distances and noise), with some keys blocked by -inf."""
    g = _gen(seed)
    distance = (torch.arange(length)[:, None] - torch.arange(keys)[None, :]).abs()
    bias = -0.5 * distance + 0.3 * torch.randn(length, keys, generator=g)
    blocked = ~_keep_one_per_row(torch.rand(length, keys, generator=g) < 0.7, g)
    return bias.masked_fill(blocked, float("-inf")).to(dtype)


def _random_additive(g: torch.Generator) -> tuple:
    q, k, v = _random_qkv(g)
    return q, k, v, _additive(_int(g, 0, 10_000), q.shape[-2], k.shape[-2])


def _random_causal(g: torch.Generator) -> tuple:
    q, k, v = _random_qkv(g)
    return q, k, v, None, True


def _random_causal_masked(g: torch.Generator) -> tuple:
    q, k, v = _random_qkv(g)
    mask = torch.rand(q.shape[-2], k.shape[-2], generator=g) < 0.6
    mask[:, 0] = True  # key 0 stays visible, so no query is left with nothing
    return q, k, v, mask, True


def _tensor_text(t) -> str:
    dtype = "" if t.dtype == torch.float32 else f", {str(t.dtype).removeprefix('torch.')}"
    return f"of shape {tuple(t.shape)}{dtype}"


def _mask_text(mask) -> str:
    if mask.dtype == torch.bool:
        if mask.numel() <= 12:
            return f"mask={mask.int().tolist()} (boolean, 1 = True = may attend)"
        return f"a boolean mask of shape {tuple(mask.shape)}"
    blocked = int(torch.isneginf(mask).sum())
    return f"an additive float mask {_tensor_text(mask)} (biases, {blocked} of them -inf)"


def _show_sdpa(q, k, v, mask=None, is_causal=False) -> str:
    text = f"scaled_dot_product_attention(q {_tensor_text(q)}, k {_tensor_text(k)}, v {_tensor_text(v)}"
    if mask is not None:
        text += f", {_mask_text(mask)}"
    if is_causal:
        text += ", is_causal=True"
    return text + "), then the output backpropagated with fixed random weights"


_GRADIENT = (
    "The output is right but this gradient is not: keep every step in the autograd graph (no `.detach()`, "
    "`.item()`, `torch.no_grad()` or `.data`), and mask with `masked_fill` or `torch.where`, not by writing "
    "into a tensor in place."
)


def _sdpa_hints(extra: dict | None = None) -> dict:
    found = {f"gradient of {name}": _GRADIENT for name in ("q", "k", "v")}
    found["forbidden"] = ("Write attention from matrix products and a softmax: F.scaled_dot_product_attention is what "
                          "you are rebuilding here (use it in MultiHeadSelfAttention, if you like).")
    return found | (extra or {})


PROBE = with_gradients("scaled_dot_product_attention", names=("q", "k", "v", "mask"))

# ---- MultiHeadSelfAttention --------------------------------------------------------------------------


def _mha(embed_dim: int, num_heads: int, seed: int) -> nn.MultiheadAttention:
    reference = nn.MultiheadAttention(embed_dim, num_heads, batch_first=True)
    fill_parameters(reference, seed)
    return reference


def _copied(ns, embed_dim: int, num_heads: int, seed: int):
    """The learner's module with nn.MultiheadAttention's weights copied into `in_proj` and `out_proj`."""
    source = _mha(embed_dim, num_heads, seed)
    model = ns.MultiHeadSelfAttention(embed_dim, num_heads)
    with torch.no_grad():
        model.in_proj.weight.copy_(source.in_proj_weight)
        model.in_proj.bias.copy_(source.in_proj_bias)
        model.out_proj.weight.copy_(source.out_proj.weight)
        model.out_proj.bias.copy_(source.out_proj.bias)
    return model


def _probe_layers(ns, embed_dim, num_heads):
    keys = ("is an nn.Module", "in_proj and out_proj are nn.Linear layers", "parameter shapes (sorted)")
    try:
        model = ns.MultiHeadSelfAttention(embed_dim, num_heads)
    except ValueError:
        return {"raises ValueError": True} | dict.fromkeys(keys)
    linear = {name: isinstance(getattr(model, name, None), nn.Linear) for name in ("in_proj", "out_proj")}
    shapes = sorted(list(p.shape) for p in model.parameters()) if isinstance(model, nn.Module) else None
    return {"raises ValueError": False} | dict(zip(keys, (isinstance(model, nn.Module), linear, shapes)))


def _show_layers(embed_dim, num_heads) -> str:
    if embed_dim % num_heads:
        return f"MultiHeadSelfAttention({embed_dim}, {num_heads}): {embed_dim} features do not split into {num_heads} heads"
    return f"MultiHeadSelfAttention({embed_dim}, {num_heads}), then its layers and parameter shapes"


def _probe_forward(ns, embed_dim, num_heads, x, key_padding_mask=None, is_causal=False):
    model = _copied(ns, embed_dim, num_heads, seed=embed_dim * 10 + num_heads)
    leaf = x.detach().clone().requires_grad_(True)
    out = model(leaf, key_padding_mask=key_padding_mask, is_causal=is_causal)
    backpropagate(out)
    return {
        "output": out,
        "gradient of x": leaf.grad,
        "gradient of in_proj.weight": model.in_proj.weight.grad,
        "gradient of in_proj.bias": model.in_proj.bias.grad,
        "gradient of out_proj.weight": model.out_proj.weight.grad,
        "gradient of out_proj.bias": model.out_proj.bias.grad,
    }


def _x(seed: int, n: int, length: int, embed_dim: int) -> torch.Tensor:
    return torch.randn(n, length, embed_dim, generator=_gen(seed))


def _padding(lengths: list[int], length: int) -> torch.Tensor:
    """nn.MultiheadAttention's key_padding_mask: True at the padding after each sequence's real tokens."""
    return torch.arange(length)[None, :] >= torch.tensor(lengths)[:, None]


def _random_heads(g: torch.Generator) -> tuple[int, int]:
    num_heads = _int(g, 2, 3)
    return num_heads * _int(g, 1, 3), num_heads


def _random_forward(g: torch.Generator) -> tuple:
    embed_dim, num_heads = _random_heads(g)
    n, length = _int(g, 1, 3), _int(g, 2, 6)
    return embed_dim, num_heads, torch.randn(n, length, embed_dim, generator=g)


def _random_padded(g: torch.Generator) -> tuple:
    embed_dim, num_heads, x = _random_forward(g)
    lengths = [_int(g, 1, x.shape[1]) for _ in range(x.shape[0])]
    lengths[0] = x.shape[1]  # one full sequence: the padding is relative to the longest
    return embed_dim, num_heads, x, _padding(lengths, x.shape[1])


def _random_causal_mha(g: torch.Generator) -> tuple:
    embed_dim, num_heads, x = _random_forward(g)
    return embed_dim, num_heads, x, None, True


def _show_forward(embed_dim, num_heads, x, key_padding_mask=None, is_causal=False) -> str:
    text = f"model = MultiHeadSelfAttention({embed_dim}, {num_heads}) with nn.MultiheadAttention's weights; model(x"
    if key_padding_mask is not None:
        lengths = (~key_padding_mask).sum(1).tolist()
        text += f", key_padding_mask=True after each sequence's real tokens (lengths {lengths})"
    if is_causal:
        text += ", is_causal=True"
    return (text + f") for x of shape {tuple(x.shape)} (N, L, E) that requires grad; then the output backpropagated "
            "with fixed random weights")


_MHA_GRADIENT = (
    "The output matches nn.MultiheadAttention but this gradient does not: every step from x and the weights to the "
    "output must stay in the autograd graph (no `.detach()`, `.data` or `torch.no_grad()`)."
)
_MHA_RAISED = (
    "Name the layers exactly as nn.MultiheadAttention's: `self.in_proj = nn.Linear(E, 3 * E)` (q, k and v "
    "together) and `self.out_proj = nn.Linear(E, E)`, after `super().__init__()`; forward takes "
    "`(x, key_padding_mask=None, is_causal=False)`. A shape error inside forward usually means a reshape "
    "that does not fit: print each tensor's shape."
)


def _mha_hints(extra: dict | None = None) -> dict:
    found = {f"gradient of {name}": _MHA_GRADIENT for name in ("x", "in_proj.weight", "in_proj.bias",
                                                               "out_proj.weight", "out_proj.bias")}
    found["raised"] = _MHA_RAISED
    found["forbidden"] = ("Build the heads yourself: F.multi_head_attention_forward (what nn.MultiheadAttention "
                          "calls) is what you are rebuilding; F.scaled_dot_product_attention or your own function "
                          "may do each head's attention.")
    return found | (extra or {})


MHA_FORBID = ["torch.nn.functional.multi_head_attention_forward", "torch._native_multi_head_attention"]


CHECKS = [
    Check(
        "scaled_dot_product_attention without a mask",
        target="scaled_dot_product_attention",
        args=[
            _qkv(1, (1,), 3, 5, 4, 2),
            _qkv(2, (2, 2), 4, 4, 8),
            _qkv(3, (), 4, 3, 3),
            _qkv(4, (2,), 3, 2, 2, dtype=torch.float64),
            _qkv(5, (1,), 2, 3, 16, 3, scale=2.0),  # large dot products: the 1 / sqrt(E) scale matters most
            _qkv(6, (), 1, 1, 2),
        ],
        random=_random_qkv,
        n_random=2,
        probe=PROBE,
        describe=_show_sdpa,
        forbid=SDPA,
        hint="softmax(q @ k.transpose(-2, -1) / sqrt(E), dim=-1) @ v, with E = q.shape[-1].",
        hints=_sdpa_hints(),
        **TOL,
    ),
    Check(
        "scaled_dot_product_attention with a boolean mask (True = may attend)",
        target="scaled_dot_product_attention",
        args=[
            (*_qkv(7, (1,), 3, 4, 4), _bool_mask(8, 3, 4)),
            (*_qkv(9, (2, 2), 3, 3, 2), _bool_mask(10, 2, 1, 3, 3)),  # one mask per batch, broadcast over heads
            (*_qkv(11, (2,), 2, 3, 4), torch.tensor([[[True, False, True]], [[False, True, True]]])),  # (N, 1, S)
            (*_qkv(12, (), 3, 3, 3, dtype=torch.float64), torch.ones(3, 3, dtype=torch.bool)),
        ],
        random=_random_bool_mask,
        n_random=2,
        probe=PROBE,
        describe=_show_sdpa,
        forbid=SDPA,
        hint="True in the mask means the query may attend to that key (as in F.scaled_dot_product_attention): "
        "`scores.masked_fill(~mask, float('-inf'))` before the softmax; the mask broadcasts to (..., L, S).",
        hints=_sdpa_hints(),
        **TOL,
    ),
    Check(
        "scaled_dot_product_attention with an additive float mask",
        target="scaled_dot_product_attention",
        args=[
            (*_qkv(13, (1,), 3, 4, 4), _additive(14, 3, 4)),
            (*_qkv(15, (2, 2), 4, 4, 2), _additive(16, 4, 4)),
            (*_qkv(17, (), 2, 3, 3, dtype=torch.float64), _additive(18, 2, 3, dtype=torch.float64)),
        ],
        random=_random_additive,
        n_random=2,
        probe=PROBE,
        describe=_show_sdpa,
        forbid=SDPA,
        hint="A float mask is added to the scores before the softmax (0 changes nothing, -inf blocks a key): "
        "`scores + mask`, not a keep/drop decision.",
        hints=_sdpa_hints({"gradient of mask": "The gradient with respect to a float mask is the gradient of the scores "
                           "it was added to: `scores = scores + mask` keeps the mask in the autograd graph."}),
        **TOL,
    ),
    Check(
        "scaled_dot_product_attention with is_causal=True",
        target="scaled_dot_product_attention",
        args=[
            (*_qkv(19, (1,), 4, 4, 4), None, True),
            (*_qkv(20, (2, 2), 3, 3, 2), None, True),
            (*_qkv(21, (), 2, 4, 3), None, True),  # fewer queries than keys: still counted from the start
            (*_qkv(22, (1,), 4, 2, 2, dtype=torch.float64), None, True),  # more queries than keys
        ],
        random=_random_causal,
        n_random=2,
        probe=PROBE,
        describe=_show_sdpa,
        forbid=SDPA,
        hint="With is_causal=True query i may attend to keys 0..i only, itself included: keep "
        "`torch.ones(L, S, dtype=torch.bool).tril()` (top-left aligned, as F.scaled_dot_product_attention does).",
        hints=_sdpa_hints(),
        **TOL,
    ),
    Check(
        "scaled_dot_product_attention with a mask and is_causal=True together",
        target="scaled_dot_product_attention",
        args=[
            (*_qkv(23, (1,), 4, 4, 4), torch.tensor([True, True, False, True]), True),
            (*_qkv(24, (2,), 3, 3, 2), torch.tensor([[[True, False, True]], [[True, True, False]]]), True),
        ],
        random=_random_causal_masked,
        n_random=1,
        probe=PROBE,
        describe=_show_sdpa,
        forbid=SDPA,
        depends_on=["scaled_dot_product_attention with is_causal=True"],
        hint="A key is visible only if the mask AND the causal rule both allow it: apply both, one after the other "
        "(F.scaled_dot_product_attention refuses the pair; combine them into one mask there).",
        hints=_sdpa_hints(),
        **TOL,
    ),
    Check(
        "scaled_dot_product_attention: a query with every key masked out gets zeros",
        target="scaled_dot_product_attention",
        args=[
            (*_qkv(25, (1,), 3, 3, 4), torch.tensor([[True, True, False], [False, False, False], [True, False, True]])),
            (*_qkv(26, (), 2, 3, 2), torch.tensor([[0.0, -1.0, 0.5], [float("-inf")] * 3])),
            (*_qkv(27, (2,), 3, 3, 2), torch.tensor([False, True, True]), True),  # causal: query 0 sees only key 0
        ],
        probe=PROBE,
        describe=_show_sdpa,
        forbid=SDPA,
        hint="A query whose keys are all masked has a row of -inf scores, and softmax gives 0 / 0 = nan there. "
        "Find such rows (`torch.isneginf(scores).all(-1, keepdim=True)`) and give them zero weights instead.",
        hints=_sdpa_hints(),
        **TOL,
    ),
    Check(
        "MultiHeadSelfAttention's layers",
        target="MultiHeadSelfAttention",
        args=[(8, 2), (6, 3), (4, 1), (6, 4)],
        probe=_probe_layers,
        describe=_show_layers,
        hint="`self.in_proj = nn.Linear(E, 3 * E)` and `self.out_proj = nn.Linear(E, E)`, both with biases, and "
        "nothing else with parameters; raise ValueError when E % H != 0.",
        hints={
            "raises ValueError": "E features must split evenly into H heads of D = E // H features each: raise "
            "ValueError when `embed_dim % num_heads != 0` (and only then).",
            "is an nn.Module": "Subclass `nn.Module` and call `super().__init__()` first in `__init__`.",
            "in_proj and out_proj are nn.Linear layers": "Name the layers exactly `in_proj` (nn.Linear(E, 3 * E): "
            "q, k and v in one) and `out_proj` (nn.Linear(E, E)), as nn.MultiheadAttention's weights are named.",
        },
    ),
    Check(
        "MultiHeadSelfAttention matches nn.MultiheadAttention",
        target="MultiHeadSelfAttention",
        args=[
            (8, 2, _x(30, 2, 3, 8)),
            (6, 3, _x(31, 1, 5, 6)),
            (4, 1, _x(32, 2, 2, 4)),
            (12, 3, _x(33, 1, 6, 12)),
        ],
        random=_random_forward,
        n_random=1,
        probe=_probe_forward,
        describe=_show_forward,
        forbid=MHA_FORBID,
        depends_on=["MultiHeadSelfAttention's layers", "scaled_dot_product_attention without a mask"],
        hint="q, k, v = in_proj(x).chunk(3, -1); split each into heads with view(N, L, H, D).transpose(1, 2); attend "
        "per head (scale 1 / sqrt(D)); merge with transpose(1, 2).reshape(N, L, E); then out_proj.",
        hints=_mha_hints(),
        **TOL,
    ),
    Check(
        "MultiHeadSelfAttention with key_padding_mask (True = padding)",
        target="MultiHeadSelfAttention",
        args=[
            (8, 2, _x(34, 3, 4, 8), _padding([4, 2, 1], 4)),
            (6, 3, _x(35, 2, 5, 6), _padding([5, 3], 5)),
        ],
        random=_random_padded,
        n_random=1,
        probe=_probe_forward,
        describe=_show_forward,
        forbid=MHA_FORBID,
        depends_on=["MultiHeadSelfAttention matches nn.MultiheadAttention",
                    "scaled_dot_product_attention with a boolean mask (True = may attend)"],
        hint="key_padding_mask is (N, S), True at padding (nn.MultiheadAttention's convention): no query may attend "
        "to those keys. Attention's boolean mask means the opposite: pass `~key_padding_mask[:, None, None, :]`.",
        hints=_mha_hints(),
        **TOL,
    ),
    Check(
        "MultiHeadSelfAttention with is_causal=True",
        target="MultiHeadSelfAttention",
        args=[
            (8, 2, _x(36, 2, 4, 8), None, True),
            (6, 3, _x(37, 3, 4, 6), _padding([4, 3, 2], 4), True),
        ],
        random=_random_causal_mha,
        n_random=1,
        probe=_probe_forward,
        describe=_show_forward,
        forbid=MHA_FORBID,
        depends_on=["MultiHeadSelfAttention matches nn.MultiheadAttention",
                    "scaled_dot_product_attention with is_causal=True"],
        hint="is_causal=True: token i attends to tokens 0..i only, in every head (and to none that is padding).",
        hints=_mha_hints(),
        **TOL,
    ),
]
