HINT = ("Export refused because the example batch has one row: a size of 1 is specialised, which contradicts the "
        "dynamic `Dim(\"batch\")` you asked for. Export with an example of a few rows (`torch.randn(4, in_features)`).")


def export_model(model, in_features):
    model.eval()
    example = torch.randn(1, in_features)  # MISTAKE
    return torch.export.export(model, (example,), dynamic_shapes={"x": {0: torch.export.Dim("batch")}})
