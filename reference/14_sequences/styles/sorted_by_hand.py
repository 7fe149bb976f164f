"""14 the long way: F.pad on every sequence and a stack; the classifier sorts the batch by length itself,
packs it with enforce_sorted=True (as ONNX export wants) and puts the rows back with the inverse permutation."""
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence


def collate(batch, pad_idx=0):
    longest = max(len(tokens) for tokens, _ in batch)
    padded = torch.stack([F.pad(tokens, (0, longest - len(tokens)), value=pad_idx) for tokens, _ in batch])
    lengths = torch.as_tensor([len(tokens) for tokens, _ in batch])
    labels = torch.as_tensor([label for _, label in batch])
    return padded, lengths, labels


class LSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_classes, pad_idx=0, num_layers=1):
        super().__init__()
        self.fc = nn.Linear(hidden_size, num_classes)  # registered first: fill-by-shape does not care
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers, batch_first=True)
        self.embedding = nn.Embedding(vocab_size, embed_dim, pad_idx)

    def forward(self, tokens, lengths):
        sorted_lengths, order = torch.sort(lengths, descending=True)
        packed = pack_padded_sequence(self.embedding(tokens[order]), sorted_lengths, batch_first=True)
        _, (h_n, _) = self.lstm(packed)
        logits = self.fc(h_n[-1])  # in sorted order
        return logits[torch.argsort(order)]  # back to the batch's order
