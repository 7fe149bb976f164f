HINT = ("`model.eval()` came after the export: the program had already recorded forward in train mode (dropout on, "
        "batch statistics), and switching the model afterwards does not change the program. Call `model.eval()` "
        "first, then `torch.export.export`.")


def export_model(model, in_features):
    example = torch.randn(4, in_features)
    program = torch.export.export(model, (example,), dynamic_shapes={"x": {0: torch.export.Dim("batch")}})
    model.eval()  # MISTAKE
    return program
