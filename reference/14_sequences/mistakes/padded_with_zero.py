import torch
from torch.nn.utils.rnn import pad_sequence

HINT = (
    "pad_sequence pads with 0 unless told otherwise, and 0 is a real token in many vocabularies: pass "
    "`padding_value=pad_idx`, so the model (and nn.Embedding's padding_idx) can tell padding from words."
)


def collate(batch, pad_idx=0):
    sequences = [tokens for tokens, _ in batch]
    padded = pad_sequence(sequences, batch_first=True)  # MISTAKE
    return padded, torch.tensor([len(t) for t in sequences]), torch.tensor([label for _, label in batch])
