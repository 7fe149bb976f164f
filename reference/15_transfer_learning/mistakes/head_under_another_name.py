from torch import nn

HINT = (
    "The new layer was assigned to a new attribute (`model.fc`), but forward() still calls `self.head`: the old "
    "head makes the predictions and the new one is never used. Replace the attribute forward() uses: "
    "`model.head = new_layer`."
)


def adapt(model, num_classes):
    model.backbone.requires_grad_(False)
    model.fc = nn.Linear(model.head.in_features, num_classes)  # MISTAKE
    nn.init.zeros_(model.fc.weight)
    nn.init.zeros_(model.fc.bias)
    return model
