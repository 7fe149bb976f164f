from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

HINT = (
    "Without `padding_idx` the padding token is an ordinary word: its row of the embedding gets a gradient "
    "wherever padding is embedded, and the optimizer trains it. `nn.Embedding(vocab_size, embed_dim, "
    "padding_idx=pad_idx)` keeps that row at zero and gives it no gradient."
)


class LSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_classes, pad_idx=0, num_layers=1):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)  # MISTAKE
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.lstm(packed)
        return self.fc(h_n[-1])
