HINT = ("The example batch has one row, and export treats a size of 1 as special: with `Dim.AUTO` it silently fixed "
        "the batch size to 1, so the program rejects every other batch. Export with an example of a few rows "
        "(`torch.randn(4, in_features)`).")


def export_model(model, in_features):
    model.eval()
    example = torch.randn(1, in_features)  # "one sample is enough to trace"  # MISTAKE
    return torch.export.export(model, (example,), dynamic_shapes={"x": {0: torch.export.Dim.AUTO}})
