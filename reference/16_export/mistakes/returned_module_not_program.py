HINT = ("Return the ExportedProgram itself, as `torch.export.load(path)` gives it: `.module()` makes a runnable "
        "module from it, which is for running (predict does that), not for handing on.")


def load_program(path):
    return torch.export.load(path).module()  # MISTAKE
