import torch

HINT = (
    "Macro F1 is the mean of the per-class F1 scores, not the F1 of macro precision and macro recall: "
    "compute f1_c = 2 p_c r_c / (p_c + r_c) for every class, then average."
)


def precision_recall_f1(confusion):
    m = confusion.double()
    tp = m.diagonal()
    zero = torch.zeros_like(tp)
    p = torch.where(m.sum(0) > 0, tp / m.sum(0), zero).mean().item()
    r = torch.where(m.sum(1) > 0, tp / m.sum(1), zero).mean().item()
    return p, r, (2 * p * r / (p + r) if p + r > 0 else 0.0)  # MISTAKE
