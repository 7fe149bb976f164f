HINT = "Only tensors have `.to(device)`: return numbers, strings and None unchanged (`return obj` at the end)."


def to_device(obj, device):
    if isinstance(obj, dict):
        return {k: to_device(v, device) for k, v in obj.items()}
    if isinstance(obj, list):
        return [to_device(v, device) for v in obj]
    if isinstance(obj, tuple):
        return tuple(to_device(v, device) for v in obj)
    return obj.to(device)  # MISTAKE
