import random

HINT = (
    "`random.choice` draws from Python's global generator, so the search is not reproducible: the same seed "
    "gives other configurations as soon as anything else drew a random number. Use a generator of your own, "
    "`g = torch.Generator().manual_seed(seed)`, and `torch.randint(len(values), (1,), generator=g)`."
)


def random_configs(space, n, seed):
    return [{key: random.choice(values) for key, values in space.items()} for _ in range(n)]  # MISTAKE
