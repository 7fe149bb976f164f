import torch

HINT = (
    "`torch.manual_seed(seed)` reseeds the global generator that the rest of the program (dropout, "
    "shuffling, initialisation) draws from: after your call, everyone gets the same numbers again. Keep the "
    "seed to yourself: `g = torch.Generator().manual_seed(seed)` and `generator=g` in every draw."
)


def random_configs(space, n, seed):
    torch.manual_seed(seed)  # MISTAKE
    return [{key: values[int(torch.randint(len(values), (1,)))] for key, values in space.items()} for _ in range(n)]  # MISTAKE
