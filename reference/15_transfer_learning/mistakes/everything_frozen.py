from torch import nn

HINT = (
    "You froze every parameter after replacing the head, the new head included, so nothing can train. Freeze "
    "the backbone only, `model.backbone.requires_grad_(False)`: a new layer's parameters require grad."
)


def adapt(model, num_classes):
    head = nn.Linear(model.head.in_features, num_classes)
    nn.init.zeros_(head.weight)
    nn.init.zeros_(head.bias)
    model.head = head
    for p in model.parameters():
        p.requires_grad = False  # MISTAKE
    return model
