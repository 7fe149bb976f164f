from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

HINT = (
    "Your forward moves `lengths` to the tokens' device before packing. On the CPU that changes nothing, but on "
    "a GPU pack_padded_sequence refuses it: its lengths must stay on the CPU (collate's int64 CPU tensor, or "
    "`lengths.cpu()`), even when the model and the tokens are on the GPU."
)


class LSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_classes, pad_idx=0, num_layers=1):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, tokens, lengths):
        lengths = lengths.to(tokens.device)  # "everything on one device"  # MISTAKE
        packed = pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.lstm(packed)
        return self.fc(h_n[-1])
