from torch import nn

HINT = (
    "The new head keeps nn.Linear's random initialisation: the contract asks for zeros, so that every class "
    "starts equally likely and the run does not depend on the random seed: `nn.init.zeros_(head.weight)` and "
    "`nn.init.zeros_(head.bias)`."
)


def adapt(model, num_classes):
    model.backbone.requires_grad_(False)
    model.head = nn.Linear(model.head.in_features, num_classes)
    return model
