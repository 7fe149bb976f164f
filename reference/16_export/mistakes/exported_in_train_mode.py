HINT = ("The model was exported in train mode: export records forward as it runs at that moment, so the program keeps "
        "dropout switched on and batch norm normalising with (and updating) each batch's own statistics. Call "
        "`model.eval()` before `torch.export.export`.")


def export_model(model, in_features):
    example = torch.randn(4, in_features)
    return torch.export.export(model, (example,), dynamic_shapes={"x": {0: torch.export.Dim("batch")}})
