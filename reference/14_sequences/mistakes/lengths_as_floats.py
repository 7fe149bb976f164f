import torch
from torch.nn.utils.rnn import pad_sequence

HINT = (
    "`torch.Tensor([...])` makes float32: lengths are counts, an int64 tensor on the CPU, "
    "`torch.tensor([len(t) for t in sequences])`. Indexing with `lengths - 1` needs integers, and "
    "pack_padded_sequence needs the lengths on the CPU even when the model is on a GPU (no `.to(device)`)."
)


def collate(batch, pad_idx=0):
    sequences = [tokens for tokens, _ in batch]
    padded = pad_sequence(sequences, batch_first=True, padding_value=pad_idx)
    lengths = torch.Tensor([len(tokens) for tokens in sequences])  # MISTAKE
    labels = torch.tensor([label for _, label in batch])
    return padded, lengths, labels
