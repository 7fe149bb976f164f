import torch

HINT = "Move the inputs too: `inputs.to(device)` returns a copy on `device`; pass that copy to the model."


def predict_on(model, inputs, device):
    model.to(device)
    model.eval()
    with torch.no_grad():
        inputs.to(device)  # MISTAKE
        outputs = model(inputs)
    return outputs.cpu()
