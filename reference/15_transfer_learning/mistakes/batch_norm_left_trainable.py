from torch import nn

HINT = (
    "Only the convolutions were frozen: BatchNorm's weight and bias are parameters of the backbone too, and they "
    "still train. Freeze the whole backbone, `model.backbone.requires_grad_(False)`."
)


def adapt(model, num_classes):
    for layer in model.backbone:
        if isinstance(layer, nn.Conv2d):  # MISTAKE
            layer.requires_grad_(False)
    head = nn.Linear(model.head.in_features, num_classes)
    nn.init.zeros_(head.weight)
    nn.init.zeros_(head.bias)
    model.head = head
    return model
