import torch

HINT = (
    "Divide the scores by sqrt(E), E = q.shape[-1]. Dot products of E random features spread by about sqrt(E), "
    "so unscaled scores grow with E and the softmax becomes nearly one-hot: attention then looks at a single key, "
    "and the gradients through the softmax all but vanish."
)


def scaled_dot_product_attention(q, k, v, mask=None, is_causal=False):
    scores = q @ k.transpose(-2, -1)  # MISTAKE
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
