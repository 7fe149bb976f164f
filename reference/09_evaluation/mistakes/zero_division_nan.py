HINT = (
    "0 / 0 is nan, and one nan makes the whole mean nan. The rule is 0 for a zero denominator: precision 0 "
    "for a class never predicted, recall 0 for a class never present, F1 0 when P + R = 0. "
    "`torch.where(den > 0, tp / den, 0.0)` picks 0 there."
)


def precision_recall_f1(confusion):
    tp = confusion.diagonal().double()
    precision = tp / confusion.sum(dim=0)  # MISTAKE
    recall = tp / confusion.sum(dim=1)  # MISTAKE
    f1 = 2 * precision * recall / (precision + recall)
    return precision.mean().item(), recall.mean().item(), f1.mean().item()
