from torch import nn

HINT = (
    "`nn.Sequential(model, new_layer)` puts the new layer after the old head: the model still computes the "
    "pretrained task's 10 logits, and the new layer reads those instead of the features. Replace the head: "
    "`model.head = new_layer`, and return the model."
)


def adapt(model, num_classes):
    model.backbone.requires_grad_(False)
    head = nn.Linear(model.head.out_features, num_classes)
    nn.init.zeros_(head.weight)
    nn.init.zeros_(head.bias)
    return nn.Sequential(model, head)
