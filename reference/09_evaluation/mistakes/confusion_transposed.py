import torch

HINT = (
    "Rows are the true class and columns the predicted class: sample k counts at `[targets[k], preds[k]]`. "
    "Yours is the transpose, with predictions as rows, so precision and recall would be read the wrong way round."
)


def confusion_matrix(preds, targets, num_classes):
    cells = preds * num_classes + targets  # MISTAKE
    return torch.bincount(cells, minlength=num_classes * num_classes).reshape(num_classes, num_classes)
