import torch
from torch.nn.utils.rnn import pad_sequence

HINT = (
    "pad_sequence returns (T, B) unless you pass `batch_first=True`; the model and its "
    "nn.LSTM(batch_first=True) read (B, T), one row per sequence."
)


def collate(batch, pad_idx=0):
    sequences = [tokens for tokens, _ in batch]
    padded = pad_sequence(sequences, padding_value=pad_idx)  # MISTAKE
    return padded, torch.tensor([len(t) for t in sequences]), torch.tensor([label for _, label in batch])
