HINT = (
    "Macro averaging computes precision and recall per class, then the plain mean over classes. "
    "trace / total is the micro average (for single-label data, the accuracy), which lets common classes "
    "hide a rare one that is always missed."
)


def precision_recall_f1(confusion):
    total = confusion.sum().item()
    score = confusion.trace().item() / total if total else 0.0  # MISTAKE
    return score, score, score
