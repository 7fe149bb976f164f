"""14 without packing: torch.full and row copies for the batch; the LSTM runs over the padding and the
classifier gathers each sequence's state at position length - 1 (right for a one-way LSTM, whose state
at step t depends only on steps up to t)."""
import torch
from torch import nn


def collate(batch, pad_idx=0):
    lengths = torch.tensor([tokens.numel() for tokens, _ in batch], dtype=torch.int64)
    padded = torch.full((len(batch), int(lengths.max())), pad_idx, dtype=torch.int64)
    for row, (tokens, _) in enumerate(batch):
        padded[row, : tokens.numel()] = tokens
    labels = torch.tensor([int(label) for _, label in batch], dtype=torch.int64)
    return padded, lengths, labels


class LSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_classes, pad_idx=0, num_layers=1):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        self.rnn = nn.LSTM(input_size=embed_dim, hidden_size=hidden_size, num_layers=num_layers, batch_first=True)
        self.out = nn.Linear(hidden_size, num_classes)

    def forward(self, tokens, lengths):
        output, _ = self.rnn(self.embed(tokens))  # (B, T, H), padding included
        rows = torch.arange(tokens.size(0))
        return self.out(output[rows, lengths.to(tokens.device) - 1])
