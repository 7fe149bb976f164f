import math

HINT = (
    "Past `total_steps` the cosine climbs back up (it is periodic): cap the progress at 1, "
    "`min(progress, 1.0)`, so the multiplier stays at 0 after the schedule ends."
)


def warmup_cosine(step, warmup_steps, total_steps):
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    progress = (step - warmup_steps) / (total_steps - warmup_steps)  # MISTAKE
    return 0.5 * (1.0 + math.cos(math.pi * progress))
