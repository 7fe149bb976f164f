HINT = ("Without `dynamic_shapes` every size of the example is fixed in the program, the batch size too: it accepts "
        "only batches as large as the example. Mark dim 0 of `x` dynamic: `dynamic_shapes={\"x\": {0: "
        "torch.export.Dim(\"batch\")}}`.")


def export_model(model, in_features):
    model.eval()
    return torch.export.export(model, (torch.randn(5, in_features),))  # MISTAKE
