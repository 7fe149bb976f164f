from torch import nn

HINT = (
    "`model.backbone.requires_grad = False` sets a plain attribute on the module, which nothing reads: its "
    "parameters still require grad. Call the method, `model.backbone.requires_grad_(False)`, or set "
    "`p.requires_grad = False` on each of `model.backbone.parameters()`."
)


def adapt(model, num_classes):
    model.backbone.requires_grad = False  # MISTAKE
    head = nn.Linear(model.head.in_features, num_classes)
    nn.init.zeros_(head.weight)
    nn.init.zeros_(head.bias)
    model.head = head
    return model
