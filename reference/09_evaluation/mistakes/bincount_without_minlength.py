import torch

HINT = (
    "`torch.bincount(x)` only counts up to `x.max()`, so when the last cells are empty (a class never "
    "occurs, or no samples at all) the counts are too few to reshape. Pass `minlength=num_classes * num_classes`."
)


def confusion_matrix(preds, targets, num_classes):
    counts = torch.bincount(targets * num_classes + preds)  # MISTAKE
    return counts.reshape(num_classes, num_classes)
