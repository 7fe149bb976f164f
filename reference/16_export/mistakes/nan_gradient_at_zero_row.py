HINT = ("The values are right, but an all-zero row gets a nan gradient: `limit / m` divides by zero there (inf), and "
        "clamping the quotient afterwards does not stop backward from multiplying 0 by inf. Clamp the divisor "
        "instead: `limit / m.clamp(min=limit)`.")


def clip_rows(x, limit):
    m = x.abs().amax(dim=1, keepdim=True)
    return x * (limit / m).clamp(max=1.0)  # MISTAKE
