import torch
from torch.utils.data import DataLoader

HINT = (
    "`torch.manual_seed(seed)` resets the random state of the whole program, and the loader only draws its order "
    "later, when it is iterated, after other code may have used random numbers. Give the DataLoader a generator of "
    "its own: `generator=torch.Generator().manual_seed(seed)`."
)


def make_loader(dataset, batch_size, shuffle, seed=0):
    torch.manual_seed(seed)  # make the shuffle reproducible  # MISTAKE
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle)
