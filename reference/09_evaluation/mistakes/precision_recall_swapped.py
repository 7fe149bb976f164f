import torch

HINT = (
    "Precision divides by the column sum (everything PREDICTED as c), recall by the row sum (everything that "
    "truly IS c), since rows are the true class. `m.sum(dim=0)` adds down the rows, giving column sums."
)


def precision_recall_f1(confusion):
    m = confusion.double()
    tp = m.diagonal()
    zero = torch.zeros_like(tp)
    precision = torch.where(m.sum(1) > 0, tp / m.sum(1), zero)  # MISTAKE
    recall = torch.where(m.sum(0) > 0, tp / m.sum(0), zero)  # MISTAKE
    both = precision + recall
    f1 = torch.where(both > 0, 2 * precision * recall / both, zero)
    return precision.mean().item(), recall.mean().item(), f1.mean().item()
