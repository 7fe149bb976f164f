import torch

HINT = (
    "A class with a zero denominator counts as 0 and stays in the macro average, as the docstring says: "
    "`torch.nanmean` (or dropping those classes) averages over fewer classes and reports a better score "
    "than the model earned. Replace the undefined values with 0.0 and take the plain mean over all classes."
)


def precision_recall_f1(confusion):
    tp = confusion.diagonal().double()
    precision = tp / confusion.sum(dim=0)
    recall = tp / confusion.sum(dim=1)
    f1 = 2 * precision * recall / (precision + recall)
    return torch.nanmean(precision).item(), torch.nanmean(recall).item(), torch.nanmean(f1).item()  # MISTAKE
