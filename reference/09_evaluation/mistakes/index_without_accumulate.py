import torch

HINT = (
    "`m[targets, preds] += 1` writes each repeated (row, column) pair only once: advanced indexing does not "
    "add up duplicates. Use `m.index_put_((targets, preds), torch.ones_like(targets), accumulate=True)`, "
    "`torch.bincount`, or a loop over the samples."
)


def confusion_matrix(preds, targets, num_classes):
    m = torch.zeros(num_classes, num_classes, dtype=torch.long)
    m[targets, preds] += 1  # MISTAKE
    return m
