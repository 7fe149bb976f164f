HINT = ("`torch.clamp(x, -limit, limit)` cuts each value off at the limit, which changes the row's proportions; "
        "clip_rows scales a whole row by one factor, limit / m, so its largest absolute value becomes the limit and "
        "the rest shrink with it.")


def clip_rows(x, limit):
    return torch.clamp(x, -limit, limit)  # MISTAKE
