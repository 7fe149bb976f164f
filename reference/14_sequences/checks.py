"""What `pytorch-tutor check 14` establishes (docs/authoring.md). Known mistakes: mistakes/*.py.

collate gets batches of very different lengths, unsorted, with padding indices other than 0, and is
compared field by field (a float or int32 `lengths` is a dtype difference). The classifier is built
by the learner's class and given weights that depend only on parameter shapes (`fill_parameters`),
so names and containers don't matter. The forward check compares logits and parameter gradients on
batches whose lengths differ a lot, unsorted, with extra padding and two layers: reading padding,
indexing `h_n` as if it were batch first, or packing sorted lengths only all change the outcome.
The layers check runs the model's own nn.Embedding on a padded batch (its weight's gradient must be
zero on the padding row: `padding_idx`) and its own nn.LSTM on a batch-first input (`batch_first`),
so both are seen in what the layers compute, not in their attributes.
"""

import torch
from torch import nn

from grader.kit import Check, backpropagate, fill_parameters, grads_by_shape, parameter_shapes

HINTS = {
    "collate": [
        "Three things come out: one (B, T) tensor of token ids padded on the right with `pad_idx`, the true lengths, "
        "and the labels, each an int64 tensor.",
        "`torch.nn.utils.rnn.pad_sequence(sequences, batch_first=True, padding_value=pad_idx)` pads a list of 1-D "
        "tensors; `torch.tensor([len(s) for s in sequences])` is an int64 tensor of lengths on the CPU.",
        "Nearly there: `sequences = [t for t, _ in batch]`, then `return pad_sequence(sequences, batch_first=True, "
        "padding_value=pad_idx), torch.tensor([len(s) for s in sequences]), torch.tensor([y for _, y in batch])`.",
    ],
    "LSTMClassifier": [
        "Embed the tokens, run the LSTM, and classify the hidden state at each sequence's last real token: not at "
        "position T - 1, which for a shorter sequence is padding.",
        "Build `nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)`, `nn.LSTM(embed_dim, hidden_size, "
        "num_layers=num_layers, batch_first=True)` and `nn.Linear(hidden_size, num_classes)`. In forward, "
        "`pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)` makes the LSTM stop each "
        "sequence at its length.",
        "Nearly there: `packed = pack_padded_sequence(self.embedding(tokens), lengths.cpu(), batch_first=True, "
        "enforce_sorted=False)`, `_, (h_n, _) = self.lstm(packed)`, `return self.fc(h_n[-1])`: h_n is "
        "(num_layers, B, H), so the top layer is `h_n[-1]`.",
    ],
}

# Layer sizes for LSTMClassifier(vocab_size, embed_dim, hidden_size, num_classes, pad_idx, num_layers): the
# vocabulary is odd and the classes fewer than 4 * hidden_size, so no two layers have parameters of one shape.
SMALL = (11, 5, 6, 3, 0, 1)


def _int(g: torch.Generator, low: int, high: int) -> int:
    return int(torch.randint(low, high + 1, (1,), generator=g))


def _sequence(g: torch.Generator, length: int, vocab_size: int, pad_idx: int) -> torch.Tensor:
    """Token ids of real words: anything in the vocabulary but the padding index."""
    ids = torch.randint(0, vocab_size - 1, (length,), generator=g)
    return ids + (ids >= pad_idx).long()


def _padded(seed: int, lengths: list[int], vocab_size: int, pad_idx: int, width: int | None = None) -> tuple:
    """A batch as `collate` makes it (padded on the right with pad_idx, optionally wider than the longest
    sequence), built here from a seeded generator: (tokens, lengths)."""
    g = torch.Generator().manual_seed(seed)
    width = width or max(lengths)
    tokens = torch.full((len(lengths), width), pad_idx, dtype=torch.long)
    for row, n in enumerate(lengths):
        tokens[row, :n] = _sequence(g, n, vocab_size, pad_idx)
    return tokens, torch.tensor(lengths)


def _sizes_text(sizes: tuple) -> str:
    v, e, h, c, pad, layers = sizes
    return (f"LSTMClassifier(vocab_size={v}, embed_dim={e}, hidden_size={h}, num_classes={c}, pad_idx={pad}, "
            f"num_layers={layers})")


def _random_sizes(g: torch.Generator) -> tuple:
    return 2 * _int(g, 4, 7) + 1, _int(g, 2, 6), _int(g, 2, 6), _int(g, 2, 5), _int(g, 0, 2), _int(g, 1, 2)


# ---- collate --------------------------------------------------------------------------------------


def _examples(seed: int, lengths: list[int], pad_idx: int, vocab_size: int = 20) -> tuple:
    g = torch.Generator().manual_seed(seed)
    batch = [(_sequence(g, n, vocab_size, pad_idx), _int(g, 0, 4)) for n in lengths]
    return batch, pad_idx


def _random_collate(g: torch.Generator) -> tuple:
    lengths = [_int(g, 1, 8) for _ in range(_int(g, 1, 5))]
    return _examples(_int(g, 0, 10_000), lengths, _int(g, 0, 3))


def _probe_collate(ns, batch, pad_idx):
    out = ns.collate(batch, pad_idx)
    parts = list(out) if isinstance(out, (tuple, list)) and len(out) == 3 else [None, None, None]
    what = type(out).__name__ + (f" of {len(out)}" if isinstance(out, (tuple, list)) else "")
    return {
        "what collate returns": what,
        "padded": parts[0],
        "lengths": parts[1],
        "labels": parts[2],
        "the token tensors passed in, afterwards": [tokens for tokens, _ in batch],
    }


def _describe_collate(batch, pad_idx) -> str:
    lengths = [len(tokens) for tokens, _ in batch]
    return f"collate(a list of {len(batch)} (tokens, label) pairs with lengths {lengths}, pad_idx={pad_idx})"


COLLATE_HINTS = {
    "what collate returns": "Return one tuple of three tensors, `(padded, lengths, labels)`: `return padded, "
    "lengths, labels`.",
    "padded.shape": "`padded` is batch first, (B, T) with T the longest length: `pad_sequence(..., "
    "batch_first=True)` (without it, pad_sequence returns (T, B)).",
    "padded.values": "Row i is sequence i, then `pad_idx` up to the longest length: pad on the right, with "
    "`padding_value=pad_idx` (pad_sequence's default is 0), and keep the batch's order.",
    "lengths": "`lengths` is each sequence's true length as an int64 tensor on the CPU, in the batch's order: "
    "`torch.tensor([len(t) for t in sequences])` (`torch.Tensor([...])` makes float32).",
    "labels": "`labels` is an int64 tensor of the labels, in the batch's order: `torch.tensor([y for _, y in batch])`.",
    "the token tensors passed in, afterwards": "Do not change the sequences you are given: build a new tensor "
    "(pad_sequence, or torch.full and copies into it).",
}

# ---- LSTMClassifier's layers ----------------------------------------------------------------------

LAYERS = "layers with parameters"
SHAPES = "parameter shapes (sorted)"
EMBEDDING_GRAD = "gradient of the nn.Embedding weight after a padded batch"
LSTM_OUT = "output of the nn.LSTM for a batch-first input (B, T, embed_dim)"


def _first(model: nn.Module, kind: type) -> nn.Module | None:
    return next((m for m in model.modules() if isinstance(m, kind)), None)


def _probe_layers(ns, sizes, tokens, x):
    """The model's own nn.Embedding on padded tokens, and its own nn.LSTM on a batch-first input."""
    model = ns.LSTMClassifier(*sizes)
    if not isinstance(model, nn.Module):
        return {LAYERS: f"LSTMClassifier(...) is a {type(model).__name__}, not an nn.Module", SHAPES: None,
                EMBEDDING_GRAD: None, LSTM_OUT: None}
    found = {
        LAYERS: sorted(type(m).__name__ for m in model.modules() if any(True for _ in m.parameters(recurse=False))),
        SHAPES: str(parameter_shapes(model)),
        EMBEDDING_GRAD: None,
        LSTM_OUT: None,
    }
    embedding, lstm = _first(model, nn.Embedding), _first(model, nn.LSTM)
    if embedding is not None:
        fill_parameters(embedding)
        backpropagate(embedding(tokens))
        found[EMBEDDING_GRAD] = embedding.weight.grad
    if lstm is not None:
        fill_parameters(lstm)
        found[LSTM_OUT] = lstm(x)[0]
    return found


def _layers_case(seed: int, sizes: tuple, lengths: list[int]) -> tuple:
    tokens, _ = _padded(seed, lengths, sizes[0], sizes[4])
    x = torch.randn(3, 5, sizes[1], generator=torch.Generator().manual_seed(seed + 1))
    return sizes, tokens, x


def _random_layers(g: torch.Generator) -> tuple:
    sizes = _random_sizes(g)
    return _layers_case(_int(g, 0, 10_000), sizes, [_int(g, 1, 6) for _ in range(_int(g, 2, 4))])


def _describe_layers(sizes, tokens, x) -> str:
    return (f"model = {_sizes_text(sizes)}; its nn.Embedding (fixed weights) on padded tokens of shape "
            f"{tuple(tokens.shape)}, backpropagated with fixed random weights; its nn.LSTM (fixed weights) on x of "
            f"shape {tuple(x.shape)}")


LAYER_HINTS = {
    LAYERS: "The model holds exactly three layers with parameters: one nn.Embedding, one nn.LSTM and one nn.Linear "
    "(create them in __init__, after `super().__init__()`).",
    SHAPES: "Check the layers' sizes: nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx), nn.LSTM(embed_dim, "
    "hidden_size, num_layers=num_layers, batch_first=True), nn.Linear(hidden_size, num_classes).",
    EMBEDDING_GRAD: "The padding row of the embedding received a gradient, so training would move it: create the "
    "layer with `nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)`, whose padding row gets none.",
    LSTM_OUT: "Your nn.LSTM reads a (B, T, embed_dim) tensor along the wrong axes: create it with "
    "`batch_first=True` (the default expects (T, B, features)).",
}

# ---- LSTMClassifier forward -----------------------------------------------------------------------

LOGITS = "logits"
GRADS = "parameter gradients (sorted by shape)"
INPUTS = "tokens and lengths, afterwards"


def _probe_forward(ns, sizes, tokens, lengths):
    model = ns.LSTMClassifier(*sizes)
    if not isinstance(model, nn.Module):
        return {LOGITS: f"LSTMClassifier(...) is a {type(model).__name__}, not an nn.Module", GRADS: None, INPUTS: None}
    fill_parameters(model)
    out = model(tokens, lengths)
    backpropagate(out)
    return {LOGITS: out, GRADS: grads_by_shape(model), INPUTS: [tokens, lengths]}


def _forward_case(seed: int, sizes: tuple, lengths: list[int], width: int | None = None) -> tuple:
    return (sizes, *_padded(seed, lengths, sizes[0], sizes[4], width))


def _random_forward(g: torch.Generator) -> tuple:
    sizes = _random_sizes(g)
    lengths = [_int(g, 1, 8) for _ in range(_int(g, 2, 5))]
    return _forward_case(_int(g, 0, 10_000), sizes, lengths, max(lengths) + _int(g, 0, 2))


def _describe_forward(sizes, tokens, lengths) -> str:
    return (f"model = {_sizes_text(sizes)} with fixed weights; model(tokens of shape {tuple(tokens.shape)}, "
            f"lengths={lengths.tolist()}); then the logits backpropagated with fixed random weights")


FORWARD_HINTS = {
    f"{LOGITS}.shape": "The logits are (B, num_classes). `h_n` is (num_layers, B, hidden_size) even with "
    "batch_first=True: the top layer's last states are `h_n[-1]`, not `h_n[:, -1]`.",
    f"{LOGITS}.values": "Classify the top layer's state at each sequence's LAST REAL token. For a padded batch "
    "`output[:, -1]` is the state after reading padding: pack with `pack_padded_sequence(..., batch_first=True, "
    "enforce_sorted=False)` and use `h_n[-1]`, or gather `output[torch.arange(B), lengths - 1]`.",
    "raised": "pack_padded_sequence wants `lengths` on the CPU (a list, or a CPU tensor of integers) and, unless "
    "you pass `enforce_sorted=False`, sorted from longest to shortest; the checks' batches are not sorted.",
    GRADS: "The logits are right but the parameters' gradients are not: is part of the computation detached, or "
    "does a layer take part that should not?",
    INPUTS: "Leave `tokens` and `lengths` as they are: sort or move copies of them, never the caller's tensors.",
}


# ---- LSTMClassifier on a GPU ----------------------------------------------------------------------

META = torch.device("meta")  # as in 06: a stand-in for a GPU, with shapes and no data
GPU = torch.device("mps") if torch.backends.mps.is_available() else META  # a Mac's own GPU where there is one
GPU_NAME = "a GPU (this Mac's, through MPS)" if GPU.type == "mps" else "a GPU (the meta device stands in)"
ON_GPU = "the lengths, as pack_padded_sequence found them"


def _probe_on_gpu(ns, sizes, tokens, lengths):
    """The model and the tokens on the GPU (the meta device, or MPS on a Mac), the lengths on the CPU as collate returns them. Only
    whether packing refused the lengths is looked at: meta tensors have no values, and some correct code
    (pad_packed_sequence, which copies data out) cannot run on them at all."""
    model = ns.LSTMClassifier(*sizes)
    if not isinstance(model, nn.Module):
        return {ON_GPU: f"LSTMClassifier(...) is a {type(model).__name__}, not an nn.Module"}
    try:
        model.to(GPU)(tokens.to(GPU), lengths)
    except RuntimeError as exc:
        if "'lengths' argument should be a 1D CPU int64 tensor" in str(exc):
            return {ON_GPU: "refused: they had been moved to the model's device"}
    except Exception:  # noqa: BLE001 - what meta tensors cannot do says nothing about the lengths
        pass
    return {ON_GPU: "accepted: on the CPU"}


def _describe_on_gpu(sizes, tokens, lengths) -> str:
    return (f"model = {_sizes_text(sizes)} on {GPU_NAME}; model(tokens of shape "
            f"{tuple(tokens.shape)} on the GPU, lengths={lengths.tolist()} on the CPU, as collate returns them)")


ON_GPU_HINTS = {
    ON_GPU: "On a GPU your forward moved `lengths` to the model's device before packing, and "
    "pack_padded_sequence refuses that: its lengths must stay on the CPU (a list, or collate's int64 CPU "
    "tensor) even when the model and the tokens are on a GPU. Pass them as they come, or `lengths.cpu()`.",
}


CHECKS = [
    Check(
        "collate",
        target="collate",
        args=[
            ([(torch.tensor([5, 6, 7]), 1), (torch.tensor([8]), 0)], 0),
            _examples(1, [2, 5, 1, 3], 1),  # padding index 1, as RoBERTa's vocabulary has
            _examples(2, [4], 3),  # a batch of one: nothing to pad
            _examples(3, [3, 3, 3], 0),  # all the same length
            _examples(4, [1, 8, 2], 2),
        ],
        random=_random_collate,
        n_random=2,
        probe=_probe_collate,
        describe=_describe_collate,
        hints=COLLATE_HINTS,
        hint="Pad on the right with `pad_sequence(sequences, batch_first=True, padding_value=pad_idx)`; lengths and "
        "labels are int64 tensors in the batch's order.",
    ),
    Check(
        "LSTMClassifier's layers",
        target="LSTMClassifier",
        args=[
            _layers_case(10, SMALL, [2, 6, 1, 4]),
            _layers_case(11, (13, 4, 5, 2, 1, 2), [3, 1, 5]),
            _layers_case(12, (9, 3, 3, 4, 2, 1), [1, 4]),
        ],
        random=_random_layers,
        n_random=1,
        probe=_probe_layers,
        describe=_describe_layers,
        hints=LAYER_HINTS,
        hint="nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx), nn.LSTM(embed_dim, hidden_size, "
        "num_layers=num_layers, batch_first=True), nn.Linear(hidden_size, num_classes).",
    ),
    Check(
        "LSTMClassifier forward and gradients",
        target="LSTMClassifier",
        args=[
            _forward_case(20, SMALL, [2, 7, 1, 5]),  # unsorted, very different lengths
            _forward_case(21, (13, 4, 5, 2, 1, 1), [6, 6, 6]),  # nothing to pad
            _forward_case(22, (9, 3, 4, 4, 0, 2), [3, 1, 6, 2, 4]),  # two layers
            _forward_case(23, (11, 5, 6, 3, 2, 1), [4]),  # a batch of one
            _forward_case(24, (11, 4, 6, 3, 0, 1), [5, 3, 2], width=8),  # sorted, with extra padding
        ],
        random=_random_forward,
        n_random=2,
        probe=_probe_forward,
        describe=_describe_forward,
        hints=FORWARD_HINTS,
        hint="Embed, pack with the lengths, run the LSTM, and classify `h_n[-1]`: the top layer's state at each "
        "sequence's last real token.",
        depends_on=["LSTMClassifier's layers"],
    ),
    Check(
        "LSTMClassifier on a GPU",
        target="LSTMClassifier",
        args=[
            _forward_case(30, SMALL, [2, 7, 1, 5]),
            _forward_case(31, (9, 3, 4, 4, 0, 2), [3, 1, 6]),
        ],
        probe=_probe_on_gpu,
        describe=_describe_on_gpu,
        hints=ON_GPU_HINTS,
        hint="Keep `lengths` on the CPU for pack_padded_sequence, wherever the model runs.",
        depends_on=["LSTMClassifier forward and gradients"],
    ),
]
