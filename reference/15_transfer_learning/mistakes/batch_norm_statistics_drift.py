import torch.nn.functional as F

HINT = (
    "`model.train()` put the frozen backbone's BatchNorm layers in train mode: they normalise with each batch's "
    "statistics and pull the pretrained running mean and variance towards the new data, although their "
    "parameters are frozen (requires_grad=False does not stop that). After `model.train()`, call "
    "`model.backbone.eval()`."
)


def train_head(model, optimizer, batches):
    model.train()  # MISTAKE
    losses = []
    for images, labels in batches:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
