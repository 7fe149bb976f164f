from torch.utils.data import DataLoader

HINT = (
    "With `shuffle=True` and no generator, the DataLoader draws its order from torch's global random state, so "
    "`seed` changes nothing. Pass `generator=torch.Generator().manual_seed(seed)`."
)


def make_loader(dataset, batch_size, shuffle, seed=0):
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle)  # MISTAKE
