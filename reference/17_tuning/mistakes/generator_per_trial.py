import torch

HINT = (
    "A new generator seeded with the same seed for every trial starts the same sequence each time, so every "
    "trial is the first one again: random search that tries one configuration n times. Make the generator "
    "once, before the loop over trials."
)


def random_configs(space, n, seed):
    configs = []
    for _ in range(n):
        g = torch.Generator().manual_seed(seed)  # MISTAKE
        configs.append({key: values[int(torch.randint(len(values), (1,), generator=g))] for key, values in space.items()})
    return configs
