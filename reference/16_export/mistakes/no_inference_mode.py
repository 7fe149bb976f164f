HINT = ("Without `torch.inference_mode()` autograd records the whole forward: the logits require grad and hold a "
        "graph nobody will use. Run the batches inside `with torch.inference_mode():`.")


def predict(program, batches):
    module = program.module()
    return torch.cat([module(x) for x in batches])
