HINT = (
    "Wrap inference in `with torch.no_grad():` so autograd records no graph while the model runs: it saves memory "
    "and time. `.detach()` afterwards is too late: the graph was already built."
)


def predict_on(model, inputs, device):
    model.to(device)
    model.eval()
    outputs = model(inputs.to(device))
    return outputs.detach().cpu()
