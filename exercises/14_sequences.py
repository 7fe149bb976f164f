"""14 · Embeddings and LSTMs for text

A model reads text as token ids: a vocabulary numbers every word (or piece of
a word), and a sentence becomes a 1-D int64 tensor such as `tensor([5, 6, 7])`.
`nn.Embedding(vocab_size, embed_dim)` is a lookup table, a weight of shape
(vocab_size, embed_dim) whose row i is token i's vector, learned like any
other weight: `embedding(tokens)` turns (B, T) ids into (B, T, embed_dim).

Sentences have different lengths, but a batch is a rectangle. DataLoader's
default collate (05) can only stack tensors of one shape, so text needs its
own `collate_fn`: pad every sequence on the right with a *padding index* up to
the longest one (`torch.nn.utils.rnn.pad_sequence(..., batch_first=True,
padding_value=pad_idx)`), and keep the true lengths. `nn.Embedding(...,
padding_idx=pad_idx)` makes that row a zero vector that never gets a gradient,
so padding is never learned as if it were a word.

`nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)` reads a
sequence step by step, carrying a hidden state. `batch_first=True` says its
input is (B, T, features); without it an LSTM expects (T, B, features), and
reads a batch-first tensor along the wrong axis without any error. It returns
`output, (h_n, c_n)`: `output` (B, T, hidden) is the top layer's hidden state
at every step; `h_n` (num_layers, B, hidden) is every layer's state after its
last step. `h_n` is never batch first: the top layer is `h_n[-1]`.

A classifier reads the state at each sentence's last *real* token; in a padded
batch `output[:, -1]` is the state after reading padding. Either pack the
batch: `pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)`
makes the LSTM stop each sequence at its length, and `h_n[-1]` is then each
sequence's last real state, in the batch's order. Its `lengths` must stay on
the CPU (a list, or a CPU tensor such as collate's int64 one) even when the
model runs on a GPU: do not move them with `.to(device)` (the checks run your
model on `torch.device('meta')`, a stand-in for a GPU, to see that). `enforce_sorted=True`,
the default, refuses lengths that are not in decreasing order (it is there for
ONNX export). Or gather:
`output[torch.arange(B), lengths - 1]`, right for a one-way LSTM because a
step's state depends only on the steps before it.

torchtext, which older tutorials use for vocabularies and batching, is
deprecated and no longer developed; `torch.nn.utils.rnn` holds what is needed
here. This builds on 05 (a DataLoader's batches: `collate_fn` is how you make
them), 03 (an nn.Module of layers) and 02's gradients: the checks compare your
model's logits and gradients with the reference's, on batches whose sentences
have very different lengths.

Useful calls: `pad_sequence`, `torch.tensor`, `nn.Embedding`, `nn.LSTM`,
`nn.Linear`, `pack_padded_sequence`, `torch.arange`.

Fill in the function and the class, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 14
"""

import torch  # noqa: F401 (torch.tensor, torch.arange, ...)
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence  # noqa: F401 (you will need them)


def collate(batch: list[tuple[Tensor, int]], pad_idx: int = 0) -> tuple[Tensor, Tensor, Tensor]:
    """A DataLoader `collate_fn` for text: turn a list of examples into one padded batch.

    `batch` is a list of B pairs `(tokens, label)`: `tokens` a 1-D int64 tensor of token
    ids, of length 1 or more (the lengths differ), `label` a Python int. Return the tuple
    `(padded, lengths, labels)`:

        padded   int64, shape (B, T) with T the longest length, batch first: row i is
                 sequence i followed by `pad_idx` up to T (padding on the right)
        lengths  int64, shape (B,), on the CPU: each sequence's true length, the form
                 `pack_padded_sequence` wants
        labels   int64, shape (B,)

    Keep the order of `batch` (do not sort it), and do not change the tensors in it.
    Use it as `DataLoader(dataset, batch_size=32, collate_fn=functools.partial(collate, pad_idx=PAD))`.

    >>> collate([(torch.tensor([5, 6, 7]), 1), (torch.tensor([8]), 0)], pad_idx=0)
    (tensor([[5, 6, 7],
            [8, 0, 0]]), tensor([3, 1]), tensor([1, 0]))
    """
    # TODO
    raise NotImplementedError


class LSTMClassifier(nn.Module):
    """A text classifier: embedding -> LSTM -> linear layer on each sequence's last real step.

    Exactly these layers, with no other parameters (the checks give them fixed weights by
    their shapes, and also run the embedding and the LSTM on their own):

        nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True)
        nn.Linear(hidden_size, num_classes)

    `forward(tokens, lengths)`: `tokens` is int64 (B, T), batch first, padded on the right
    with `pad_idx` as `collate` pads it (T may even exceed the longest length); `lengths` is
    int64 (B,) on the CPU, each between 1 and T, in any order (not sorted). Return float32
    logits (B, num_classes): the linear layer applied to the top LSTM layer's hidden state
    at each sequence's last real token, so a sequence gets the same logits whatever else is
    in its batch and however much padding follows it. No softmax. Leave `tokens` and
    `lengths` unchanged.

    >>> model = LSTMClassifier(vocab_size=10, embed_dim=4, hidden_size=6, num_classes=3, pad_idx=0)
    >>> tokens, lengths, labels = collate([(torch.tensor([5, 6, 7]), 1), (torch.tensor([8]), 0)])
    >>> model(tokens, lengths).shape
    torch.Size([2, 3])
    >>> torch.allclose(model(tokens[1:, :1], lengths[1:]), model(tokens, lengths)[1:])   # padding changes nothing
    True
    """

    def __init__(
        self, vocab_size: int, embed_dim: int, hidden_size: int, num_classes: int, pad_idx: int = 0, num_layers: int = 1
    ) -> None:
        """Call `super().__init__()`, then create the three layers."""
        # TODO
        raise NotImplementedError

    def forward(self, tokens: Tensor, lengths: Tensor) -> Tensor:
        """Logits (B, num_classes) from each sequence's last real time step."""
        # TODO
        raise NotImplementedError
