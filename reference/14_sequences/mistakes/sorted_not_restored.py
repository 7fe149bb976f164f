from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

HINT = (
    "You sorted the batch by length to pack it, but returned the logits in the sorted order: row i must be "
    "sequence i of the batch. Undo the sort (`logits[order.argsort()]`), or let PyTorch do both with "
    "`enforce_sorted=False`."
)


class LSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_classes, pad_idx=0, num_layers=1):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, tokens, lengths):
        lengths, order = lengths.sort(descending=True)
        packed = pack_padded_sequence(self.embedding(tokens[order]), lengths, batch_first=True)
        _, (h_n, _) = self.lstm(packed)
        return self.fc(h_n[-1])
