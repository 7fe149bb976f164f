import torch

HINT = (
    "Counts are integers: make the matrix with `dtype=torch.long` (int64). `torch.zeros(n, n)` is float32, "
    "and float counts stop being exact above 2**24."
)


def confusion_matrix(preds, targets, num_classes):
    m = torch.zeros(num_classes, num_classes)  # MISTAKE
    for t, p in zip(targets, preds):
        m[t, p] += 1
    return m
