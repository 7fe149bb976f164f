import torch

HINT = (
    "Precision and recall are guarded, but F1 = 2PR / (P + R) is 0 / 0 = nan for a class whose precision and "
    "recall are both 0. The rule is 0 there too: `torch.where(p + r > 0, 2 * p * r / (p + r), 0.0)`."
)


def precision_recall_f1(confusion):
    m = confusion.double()
    tp = m.diagonal()
    p = torch.nan_to_num(tp / m.sum(dim=0))
    r = torch.nan_to_num(tp / m.sum(dim=1))
    f1 = 2 * p * r / (p + r)  # MISTAKE
    return p.mean().item(), r.mean().item(), f1.mean().item()
