HINT = ("`program.module().eval()` is not supported: the mode was fixed when the model was exported (that is why "
        "export_model calls eval() first). Run `program.module()` as it is, under `torch.inference_mode()`.")


def predict(program, batches):
    module = program.module().eval()  # MISTAKE
    with torch.inference_mode():
        return torch.cat([module(x) for x in batches])
