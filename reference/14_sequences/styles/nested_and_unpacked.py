"""14 with a jagged nested tensor for the padding, layers in a ModuleDict and an nn.Sequential head, and
pad_packed_sequence followed by torch.gather of each sequence's last real output."""
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


def collate(batch, pad_idx=0):
    sequences = [tokens for tokens, _ in batch]
    padded = torch.nested.nested_tensor(sequences, layout=torch.jagged).to_padded_tensor(pad_idx)
    lengths = torch.tensor(list(map(len, sequences)))
    return padded, lengths, torch.tensor([label for _, label in batch])


class LSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_classes, pad_idx=0, num_layers=1):
        super().__init__()
        self.layers = nn.ModuleDict({
            "tokens": nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx),
            "encoder": nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True),
            "head": nn.Sequential(nn.Linear(hidden_size, num_classes)),
        })

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.layers["tokens"](tokens), lengths.cpu(), batch_first=True,
                                      enforce_sorted=False)
        output, out_lengths = pad_packed_sequence(self.layers["encoder"](packed)[0], batch_first=True)
        index = (out_lengths - 1).view(-1, 1, 1).expand(-1, 1, output.size(2))  # (B, 1, H)
        last = output.gather(1, index.to(output.device)).squeeze(1)
        return self.layers["head"](last)
