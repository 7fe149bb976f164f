HINT = ("`torch.no_grad()` stops gradients but still makes ordinary tensors; this exercise asks for "
        "`torch.inference_mode()`, its successor for pure inference, which also skips autograd's bookkeeping "
        "(version counters) and makes inference tensors.")


def predict(program, batches):
    module = program.module()
    with torch.no_grad():  # MISTAKE
        return torch.cat([module(x) for x in batches])
