from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

HINT = (
    "An LSTM returns `output, (h_n, c_n)`, hidden state first: unpacked as `(c_n, h_n)`, your `h_n` is the "
    "cell state, the LSTM's internal memory. Unpack as `_, (h_n, c_n) = self.lstm(...)` and use `h_n[-1]`."
)


class LSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_classes, pad_idx=0, num_layers=1):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True, enforce_sorted=False)
        _, (c_n, h_n) = self.lstm(packed)  # MISTAKE
        return self.fc(h_n[-1])
