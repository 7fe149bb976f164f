import torch

HINT = (
    "Save state, not objects: `torch.save(model)` (or a dict holding the model or optimizer) pickles the objects, and "
    "`torch.load(path, weights_only=True)` refuses to rebuild them because unpickling arbitrary objects can run code. "
    "Save `model.state_dict()` and `optimizer.state_dict()` instead."
)

# Such a learner loads with `torch.load(path, weights_only=False)` and `.state_dict()` of what comes back. That
# load_checkpoint is left out on purpose: mistakes run in the trusted process, which never unpickles objects.


def save_checkpoint(path, model, optimizer, epoch):
    # the whole objects: simple, but only loadable with weights_only=False
    torch.save({"model": model, "optimizer": optimizer, "epoch": epoch}, path)  # MISTAKE
