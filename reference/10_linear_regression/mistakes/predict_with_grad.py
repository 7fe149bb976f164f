HINT = (
    "Predicting needs no gradients: without `with torch.no_grad():` (or `torch.inference_mode()`) PyTorch records "
    "a graph for a backward pass nobody runs, and the predictions require grad, so gradients can still flow back "
    "into the model's parameters."
)


def predict(model, X):
    return model(X).squeeze(1)  # MISTAKE
