HINT = (
    "The optimizer was built before `adapt`: it keeps the parameters it was given then, the old head and the "
    "backbone (which requires_grad=False set later does not take out of it), and never sees the new head, so "
    "nothing trains. Adapt first, then `make_optimizer(model, ...)`."
)


def fine_tune(path, num_classes, batches, lr, weight_decay):
    model = load_pretrained(path)  # noqa: F821
    optimizer = make_optimizer(model, lr, weight_decay)  # noqa: F821  # MISTAKE
    model = adapt(model, num_classes)  # noqa: F821
    return model, optimizer, train_head(model, optimizer, batches)  # noqa: F821
