import math

HINT = (
    "The warm-up is off by one: `step` counts optimizer steps from 0, so `step / warmup_steps` gives the first "
    "step a learning rate of 0 (it learns nothing) and never reaches 1 during the warm-up. Use "
    "`(step + 1) / warmup_steps`."
)


def warmup_cosine(step, warmup_steps, total_steps):
    if step < warmup_steps:
        return step / warmup_steps  # MISTAKE
    progress = min((step - warmup_steps) / (total_steps - warmup_steps), 1.0)
    return 0.5 * (1.0 + math.cos(math.pi * progress))
