import torch
from torch import nn

HINT = (
    "Your nn.LSTM was created without `batch_first=True`, so it reads the (B, T, features) batch as (T, B, "
    "features): it runs along the batch instead of along time, and no error says so. Create it with "
    "`nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True)`."
)


class LSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_classes, pad_idx=0, num_layers=1):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers)  # MISTAKE
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, tokens, lengths):
        output, _ = self.lstm(self.embedding(tokens))
        last = output[torch.arange(tokens.shape[0]), lengths - 1]
        return self.fc(last)
