HINT = (
    "The head was not replaced: it still has the pretrained task's 10 outputs (and its trained weights). Assign "
    "a new `nn.Linear(model.head.in_features, num_classes)`, zero-initialised, to `model.head`."
)


def adapt(model, num_classes):
    model.backbone.requires_grad_(False)
    return model
