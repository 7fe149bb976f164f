"""14 · Embeddings and LSTMs for text: a reference solution (learners see this with
`pytorch-tutor solution 14` once they have passed).

Padding makes a batch rectangular; everything after that is about never letting the padding
count: the embedding's padding row gets no gradient, and packing makes the LSTM stop each
sequence at its own length, so `h_n[-1]` is the state at its last real token.
"""

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence


def collate(batch: list[tuple[Tensor, int]], pad_idx: int = 0) -> tuple[Tensor, Tensor, Tensor]:
    sequences = [tokens for tokens, _ in batch]
    # batch_first=True: (B, T), the layout the model (and nn.LSTM(batch_first=True)) reads. Without it
    # pad_sequence returns (T, B). padding_value must be the padding index, not the default 0, which
    # is a real token in many vocabularies. pad_sequence builds a new tensor: the inputs stay as they are.
    padded = pad_sequence(sequences, batch_first=True, padding_value=pad_idx)
    # torch.tensor of Python ints is int64 on the CPU: exactly what pack_padded_sequence wants.
    # (torch.Tensor([...]) would make float32.)
    lengths = torch.tensor([len(tokens) for tokens in sequences])
    labels = torch.tensor([label for _, label in batch])
    return padded, lengths, labels


class LSTMClassifier(nn.Module):
    def __init__(
        self, vocab_size: int, embed_dim: int, hidden_size: int, num_classes: int, pad_idx: int = 0, num_layers: int = 1
    ) -> None:
        super().__init__()
        # padding_idx: that row starts as zeros and its gradient is always zero, so the optimizer never
        # turns the padding token into a learned "word".
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, tokens: Tensor, lengths: Tensor) -> Tensor:
        embedded = self.embedding(tokens)  # (B, T, E)
        # Packing drops the padded positions, so the LSTM stops each sequence at its own length.
        # lengths stay on the CPU (pack_padded_sequence requires it even for a model on a GPU), and
        # enforce_sorted=False lets the batch come in any order: PyTorch sorts it inside and hands
        # h_n back in the original order.
        packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.lstm(packed)  # h_n: (num_layers, B, H), never batch first
        return self.fc(h_n[-1])  # the top layer's state at each sequence's last real token
