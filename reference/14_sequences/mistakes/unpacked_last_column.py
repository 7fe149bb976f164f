from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

HINT = (
    "After `pad_packed_sequence` the output is padded again, with zeros after each sequence's end, so "
    "`output[:, -1]` is zeros (or the padding) for every sequence shorter than the longest. Take the state at "
    "each sequence's own last step: `h_n[-1]` of the packed run, or `output[torch.arange(B), lengths - 1]`."
)


class LSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_classes, pad_idx=0, num_layers=1):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True, enforce_sorted=False)
        output, _ = pad_packed_sequence(self.lstm(packed)[0], batch_first=True)
        return self.fc(output[:, -1])  # MISTAKE
