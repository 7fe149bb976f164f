HINT = (
    "log(softmax(x)) is -inf wherever softmax rounds to 0, which happens once a logit is about 104 below the "
    "max (float32): log_softmax([1000, 0]) is [0, -1000], not [0, -inf]. Stay in log space: "
    "`(x - m) - log(sum(exp(x - m)))`."
)


def log_softmax(x, dim=-1):
    return softmax(x, dim).log()  # noqa: F821 - the reference's  # MISTAKE
