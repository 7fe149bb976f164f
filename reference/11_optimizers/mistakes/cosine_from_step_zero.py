import math

HINT = (
    "The cosine starts where the warm-up ends: measure its progress from there, "
    "`(step - warmup_steps) / (total_steps - warmup_steps)`, not `step / total_steps`, or the rate drops "
    "below 1 right after the warm-up instead of starting its descent at 1."
)


def warmup_cosine(step, warmup_steps, total_steps):
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    progress = min(step / total_steps, 1.0)  # MISTAKE
    return 0.5 * (1.0 + math.cos(math.pi * progress))
