import torch
from torch.nn.utils.rnn import pad_sequence

HINT = (
    "Pad on the right: each sequence starts at position 0 and `lengths` says where it ends, which is what "
    "pack_padded_sequence and `output[arange(B), lengths - 1]` assume. Left padding (`padding_side=\"left\"`, "
    "as some tokenizers do for text generation) puts the padding first."
)


def collate(batch, pad_idx=0):
    sequences = [tokens for tokens, _ in batch]
    padded = pad_sequence(sequences, batch_first=True, padding_value=pad_idx, padding_side="left")  # MISTAKE
    return padded, torch.tensor([len(t) for t in sequences]), torch.tensor([label for _, label in batch])
