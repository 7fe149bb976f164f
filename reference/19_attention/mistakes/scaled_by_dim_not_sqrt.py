import torch

HINT = (
    "The scale is 1 / sqrt(E), not 1 / E: dot products of E features spread by about sqrt(E), so dividing by "
    "sqrt(E) brings them to unit size, while dividing by E flattens the scores and the weights drift towards "
    "a plain average."
)


def scaled_dot_product_attention(q, k, v, mask=None, is_causal=False):
    scores = q @ k.transpose(-2, -1) / q.shape[-1]  # MISTAKE
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = scores.masked_fill(~mask, float("-inf"))
        else:
            scores = scores + mask
    if is_causal:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
        scores = scores.masked_fill(~keep, float("-inf"))
    blocked = torch.isneginf(scores).all(dim=-1, keepdim=True)
    weights = scores.masked_fill(blocked, 0.0).softmax(dim=-1)
    weights = weights.masked_fill(blocked, 0.0)
    return weights @ v
