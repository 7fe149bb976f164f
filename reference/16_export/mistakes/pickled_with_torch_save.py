HINT = ("`torch.save` pickles the program object: `torch.export.load` cannot read that file, and loading a pickle "
        "needs `weights_only=False`, which may run any code in the file. Use the archive format of torch.export: "
        "`torch.export.save(program, path)` and `torch.export.load(path)`.")


def save_program(program, path):
    torch.save(program, path)


def load_program(path):
    return torch.load(path, weights_only=False)
