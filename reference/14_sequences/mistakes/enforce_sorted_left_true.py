from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

HINT = (
    "pack_padded_sequence's `enforce_sorted=True` (its default) requires the lengths from longest to shortest, "
    "and a DataLoader's batches come in any order. Pass `enforce_sorted=False`: PyTorch sorts inside and gives "
    "h_n back in the batch's own order."
)


class LSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_classes, pad_idx=0, num_layers=1):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True)  # MISTAKE
        _, (h_n, _) = self.lstm(packed)
        return self.fc(h_n[-1])
