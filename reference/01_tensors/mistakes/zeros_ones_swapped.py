import torch

HINT = "The tuple's order matters: return `(zeros, ones)`."


def zeros_and_ones(rows, cols):
    return torch.ones(rows, cols), torch.zeros(rows, cols)  # MISTAKE
