import itertools

HINT = (
    "The configurations are right but in another order: the first key must change slowest, as "
    "`itertools.product(*space.values())` and nested loops with the first key outermost give them. "
    "Reversing the keys (or the loops) makes the first key change fastest."
)


def grid(space):
    keys = list(space)[::-1]  # MISTAKE
    return [{k: dict(zip(keys, values))[k] for k in space} for values in itertools.product(*(space[k] for k in keys))]
