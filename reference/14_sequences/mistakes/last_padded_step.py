from torch import nn

HINT = (
    "`output[:, -1]` is the state at position T - 1, and for every sequence shorter than T that is the state "
    "after reading padding. Use each sequence's last real token: pack the batch with `pack_padded_sequence(..., "
    "lengths, batch_first=True, enforce_sorted=False)` and take `h_n[-1]`, or gather "
    "`output[torch.arange(B), lengths - 1]`."
)


class LSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_classes, pad_idx=0, num_layers=1):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, tokens, lengths):
        output, _ = self.lstm(self.embedding(tokens))
        return self.fc(output[:, -1])
