"""09 solved with plain Python: the mode of every submodule saved and restored one by one, counts in
Python numbers, the confusion matrix filled sample by sample, and metrics class by class."""
import torch


def evaluate(model, loader, loss_fn):
    modes = {module: module.training for module in model.modules()}
    model.eval()
    weighted_loss = 0.0
    right = 0
    total = 0
    with torch.no_grad():
        for batch in loader:
            inputs, targets = batch
            scores = model(inputs)
            predicted = scores.max(dim=1).indices
            for p, t in zip(predicted.tolist(), targets.tolist()):
                right += int(p == t)
            weighted_loss += float(loss_fn(scores, targets)) * targets.numel()
            total += targets.numel()
    for module, mode in modes.items():
        module.training = mode
    return weighted_loss / total, right / total


def confusion_matrix(preds, targets, num_classes):
    m = torch.zeros(num_classes, num_classes, dtype=torch.long)
    for true, guess in zip(targets.tolist(), preds.tolist()):
        m[true, guess] += 1
    return m


def _ratio(a, b):
    return a / b if b else 0.0


def precision_recall_f1(confusion):
    m = confusion.tolist()
    n = len(m)
    ps, rs, fs = [], [], []
    for c in range(n):
        tp = m[c][c]
        p = _ratio(tp, sum(m[r][c] for r in range(n)))
        r = _ratio(tp, sum(m[c]))
        ps.append(p)
        rs.append(r)
        fs.append(_ratio(2 * p * r, p + r))
    return sum(ps) / n, sum(rs) / n, sum(fs) / n
