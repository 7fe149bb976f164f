"""What `pytorch-tutor check 18` establishes (docs/authoring.md). Known mistakes: mistakes/*.py.

Each Function is called through `.apply` on a fresh leaf that requires grad; the probe
backpropagates a fixed random weighting of the output (never `.sum()`, which would hide a
backward that ignores `grad_output`), and returns the output, whether a custom Function's node
made it, the input after the call (a forward that changes its input in place shows there), and
the gradient. The reference agrees with torch's own (`F.silu`, `torch.round`, `torch.clamp` for
values and gradients; the straight-through gradient is the identity) on every case here:
verified when the exercise was written, except Clamp's gradient exactly at a bound, a convention
the exercise states (1, bounds included: torch.clamp's before torch 2.15, which gives 0 since).

gradcheck in float64 cannot run on the trusted side (the learner's code never does), so the
probe sends what gradcheck looks at: the outputs at x and at x ± eps along each element, and the
Jacobian from the learner's backward, one one-hot `grad_output` at a time. `Check.transform`
then applies gradcheck's own rule on the trusted side (for a learner's data, in a separate
bounded process): the finite-difference Jacobian against the analytical one, within
gradcheck's default eps, atol and rtol, and reports the verdict and the worst entry as data.

check_gradients gets functions made here (correct ones, and custom Functions whose backward is
wrong on purpose: nothing here computes what the learner's Functions compute) and inputs of
several kinds; its inputs come back after the call, so a caller's tensor that was changed
(made to require grad) shows.
"""

import torch
from torch.autograd import Function
from torch.autograd.function import BackwardCFunction

from grader.kit import Check, backpropagate

HINTS = {
    "SiLU": [
        "A custom Function has two static methods: `forward(ctx, x)` computes x * sigmoid(x), and "
        "`backward(ctx, grad_output)` returns the gradient with respect to x. Whatever backward needs from the "
        "forward pass goes through `ctx`.",
        "Save the input in forward with `ctx.save_for_backward(x)` and read it back in backward with "
        "`(x,) = ctx.saved_tensors`. With s = torch.sigmoid(x), the derivative of x * s is s + x * s * (1 - s) "
        "(product rule, s' = s * (1 - s)); multiply it by grad_output (chain rule).",
        "Nearly there: forward `ctx.save_for_backward(x); return x * torch.sigmoid(x)`; backward "
        "`(x,) = ctx.saved_tensors; s = torch.sigmoid(x); return grad_output * s * (1 + x * (1 - s))`.",
    ],
    "RoundSTE": [
        "A straight-through estimator computes one thing forward and pretends, backward, it was the identity: "
        "round's true derivative is 0 almost everywhere, which would stop all learning upstream.",
        "forward returns `torch.round(x)` (a float tensor, halves to even); backward returns `grad_output` as it is.",
        "Nearly there: `def forward(ctx, x): return torch.round(x)` and `def backward(ctx, grad_output): "
        "return grad_output`, both `@staticmethod`.",
    ],
    "Clamp": [
        "backward returns one gradient per input of forward, in order: x, low and high. low and high are Python "
        "floats, which have no gradient: their entries are None.",
        "Keep the floats on ctx (`ctx.low, ctx.high = low, high`): save_for_backward takes only tensors. "
        "The gradient passes where low <= x <= high (bounds included) and is 0 elsewhere: multiply "
        "grad_output by that boolean mask.",
        "Nearly there: forward `ctx.save_for_backward(x); ctx.low, ctx.high = low, high; return x.clamp(low, high)`; "
        "backward `(x,) = ctx.saved_tensors; return grad_output * ((x >= ctx.low) & (x <= ctx.high)), None, None`.",
    ],
    "check_gradients": [
        "torch.autograd.gradcheck compares your backward with finite differences, (f(x + eps) - f(x - eps)) / "
        "(2 * eps). Both sides need enough precision for that to mean anything: float64.",
        "Make each floating-point tensor input a float64 copy that requires grad: "
        "`x.detach().to(torch.float64).requires_grad_(True)`; pass every other input as it is. Ask gradcheck "
        "for a verdict with `raise_exception=False` instead of an exception.",
        "Nearly there: `inputs = tuple(x.detach().to(torch.float64).requires_grad_(True) if isinstance(x, torch.Tensor) "
        "and x.is_floating_point() else x for x in inputs)`, then "
        "`return torch.autograd.gradcheck(fn, inputs, raise_exception=False)`.",
    ],
}

EPS, ATOL, RTOL = 1e-6, 1e-5, 1e-3  # torch.autograd.gradcheck's defaults


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _randn(seed: int, *shape: int, scale: float = 2.0, dtype=torch.float32) -> torch.Tensor:
    return torch.randn(*shape, generator=_gen(seed), dtype=dtype) * scale


def _int(g: torch.Generator, low: int, high: int) -> int:
    return int(torch.randint(low, high + 1, (1,), generator=g))


def _shape(g: torch.Generator) -> list[int]:
    return [_int(g, 1, 4) for _ in range(_int(g, 1, 3))]


def _text(t) -> str:
    """A tensor as the learner would type it (up to 8 values), else its shape; other values by repr."""
    if not isinstance(t, torch.Tensor):
        return repr(t)
    dtype = "" if t.dtype == torch.float32 else f", dtype=torch.{str(t.dtype).removeprefix('torch.')}"
    if t.numel() == 0 or t.numel() > 8:
        return f"a tensor of shape {tuple(t.shape)}{dtype}"
    return f"tensor({_nested(t.tolist())}{dtype})"


def _nested(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_nested(v) for v in value) + "]"
    if not isinstance(value, float):
        return str(value)
    text = f"{value:.4g}"
    return text + "." if text.lstrip("-").isdigit() else text  # 2.0 as torch prints it, "2."


# ---- calling a Function: output, the input afterwards, gradient -----------------------------------


def _custom(out) -> bool:
    """Whether `out` was made by a torch.autograd.Function's forward (its node is the Function's backward)."""
    return isinstance(out, torch.Tensor) and isinstance(out.grad_fn, BackwardCFunction)


def _probe_apply(target: str):
    def probe(ns, x, *rest):
        leaf = x.detach().clone().requires_grad_(True)
        out = getattr(ns, target).apply(leaf, *rest)
        found = {"output": out, "output made by your torch.autograd.Function": _custom(out)}
        backpropagate(out)
        found["x after the call"] = leaf.detach()
        found["gradient of x"] = leaf.grad
        return found

    probe.__doc__ = f"{target}.apply(x, ...) with gradients"
    return probe


def _probe_changed_afterwards(ns, x, residual):
    """y = SiLU.apply(x), then `y += residual` in place (as a residual block does), then backward through both."""
    leaf = x.detach().clone().requires_grad_(True)
    y = ns.SiLU.apply(leaf)
    y += residual
    backpropagate(y)
    return {"y after y += residual": y, "gradient of x": leaf.grad}


def _show_apply(target: str):
    def describe(x, *rest):
        more = "".join(f", {r!r}" for r in rest)
        return (f"{target}.apply(x{more}) for x = {_text(x)} that requires grad; then the output backpropagated "
                "with fixed random weights")
    return describe


# ---- gradcheck: the learner's process measures, the trusted side judges -----------------------------


def _probe_gradcheck(target: str):
    """What gradcheck looks at, in float64: f(x), f at x ± eps along each element of x (forward only), and
    the Jacobian from the learner's backward, one one-hot grad_output per output element."""

    def probe(ns, x, *rest):
        fn = getattr(ns, target).apply
        leaf = x.detach().clone().requires_grad_(True)
        out = fn(leaf, *rest)
        rows = []
        for i in range(out.numel()):
            onehot = torch.zeros(out.numel(), dtype=out.dtype)
            onehot[i] = 1.0
            # backward of (out * onehot).sum() hands the learner's backward exactly the one-hot grad_output, as an
            # explicit grad_outputs= would (whose first use imports sympy, about 0.6 s, where the grader's
            # stand-in for torch.fx.experimental.symbolic_shapes is not installed)
            (g,) = torch.autograd.grad((out * onehot.view_as(out)).sum(), leaf, retain_graph=True, allow_unused=True)
            rows.append(torch.zeros(leaf.numel(), dtype=leaf.dtype) if g is None else g.reshape(-1))
        shifted = []
        with torch.no_grad():
            for j in range(x.numel()):
                pair = []
                for step in (EPS, -EPS):
                    moved = x.detach().clone()
                    moved.view(-1)[j] += step
                    pair.append(fn(moved, *rest).reshape(-1))
                shifted.append(torch.stack(pair))
        return {
            "output": out,
            "outputs at x + eps and x - eps": torch.stack(shifted),  # (elements of x, 2, elements of the output)
            "Jacobian from your backward": torch.stack(rows),  # (elements of the output, elements of x)
            "shape of x": list(x.shape),
        }

    probe.__doc__ = f"gradcheck data for {target}.apply"
    return probe


def _index(flat: int, shape: list[int]) -> str:
    if not shape:
        return ""  # a 0-d tensor has one element and no index
    index = []
    for size in reversed(shape):
        flat, i = divmod(flat, size)
        index.append(i)
    return "[" + ", ".join(str(i) for i in reversed(index)) + "]"


def _gradcheck_verdict(result: dict) -> dict:
    """gradcheck's rule, on the trusted side: every entry of the Jacobian from backward must be within
    atol + rtol * |numerical| of the finite-difference one, (f(x + eps) - f(x - eps)) / (2 eps)."""
    out, shifted, analytical = result["output"], result["outputs at x + eps and x - eps"], result["Jacobian from your backward"]
    numerical = ((shifted[:, 0] - shifted[:, 1]) / (2 * EPS)).T
    verdict = "passes"
    if numerical.shape != analytical.shape:
        verdict = f"fails: the Jacobian from your backward has shape {tuple(analytical.shape)}, not {tuple(numerical.shape)}"
    elif numerical.numel():
        excess = ((analytical - numerical).abs() - (ATOL + RTOL * numerical.abs())).nan_to_num(nan=float("inf"))
        worst = int(excess.argmax())
        if excess.reshape(-1)[worst] > 0:
            i, j = divmod(worst, numerical.shape[1])
            verdict = (f"fails: d output{_index(i, list(out.shape))} / d x{_index(j, result['shape of x'])} is "
                       f"{float(numerical[i, j]):.4g} by finite differences, {float(analytical[i, j]):.4g} from your backward")
    return {"output": out, "gradcheck in float64": verdict, "Jacobian from your backward": analytical}


def _show_gradcheck(target: str):
    def describe(x, *rest):
        more = "".join(f", {r!r}" for r in rest)
        return (f"gradcheck of {target}.apply(x{more}) for x = {_text(x)}, float64: your backward, one one-hot "
                f"grad_output at a time, against finite differences with eps={EPS:g} (atol={ATOL:g}, rtol={RTOL:g})")
    return describe


RAISED = (
    "If torch's error is about backward's results: backward returns one value per input of forward, in order "
    "(\"incorrect number of gradients\"), a tensor shaped like that input for a tensor and None for anything else, "
    "such as a Python float (\"a gradient different than None ... was not a Variable\"); and "
    "ctx.save_for_backward takes tensors only (\"can only save variables\")."
)

GRADCHECK = (
    "gradcheck compares each entry of the Jacobian your backward gives with the finite difference "
    "(f(x + eps) - f(x - eps)) / (2 * eps); they must agree within atol + rtol * |numerical|. "
)

# ---- SiLU -----------------------------------------------------------------------------------------


def _random_x(g: torch.Generator) -> tuple:
    return (torch.randn(_shape(g), generator=g) * 3,)


def _random_x64(g: torch.Generator) -> tuple:
    return (torch.randn(_shape(g), generator=g, dtype=torch.float64) * 2,)


SILU_GRADIENT = (
    "The values are right but the gradient is not. In a custom Function autograd does not differentiate "
    "forward: the gradient is exactly what backward returns, grad_output * (s + x * s * (1 - s)) with "
    "s = sigmoid(x)."
)

# ---- RoundSTE -------------------------------------------------------------------------------------


def _random_round(g: torch.Generator) -> tuple:
    shape = _shape(g)
    x = torch.randn(shape, generator=g) * 3
    halves = torch.randint(-6, 7, shape, generator=g) + 0.5  # ties, where rounding rules differ
    return (torch.where(torch.rand(shape, generator=g) < 0.3, halves, x),)


# ---- Clamp ----------------------------------------------------------------------------------------


def _bounded(g: torch.Generator) -> tuple[torch.Tensor, float, float]:
    low = round(-1.5 * float(torch.rand(1, generator=g)), 2)
    high = round(low + 0.2 + 2 * float(torch.rand(1, generator=g)), 2)
    x = torch.randn(_shape(g), generator=g) * 1.5
    return x, low, high


def _random_clamp(g: torch.Generator) -> tuple:
    x, low, high = _bounded(g)
    flat = x.reshape(-1)
    if flat.numel() >= 2:
        flat[0], flat[-1] = low, high  # the bounds themselves: the gradient passes there
    return x, low, high


def _away(x: torch.Tensor, low: float, high: float) -> torch.Tensor:
    """x with entries near a bound moved to the middle: away from the kinks, finite differences are exact."""
    near = ((x - low).abs() < 0.01) | ((x - high).abs() < 0.01)
    return x.masked_fill(near, (low + high) / 2)


def _random_clamp_gradcheck(g: torch.Generator) -> tuple:
    x, low, high = _bounded(g)
    return _away(x.double(), low, high), low, high


# ---- check_gradients --------------------------------------------------------------------------------


class _CubeWrongBackward(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 2 * x**2  # wrong on purpose: the derivative of x ** 3 is 3 * x ** 2


class _ScaleWrongBackward(Function):
    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return x * k

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * (ctx.k + 1e-3), None  # off by a little: still beyond gradcheck's tolerance


class _SquareCorrectBackward(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 2 * x


def _x_tanh_x(x):
    """x * tanh(x) (torch ops: correct gradients)"""
    return x * torch.tanh(x)


def _scaled(x, k):
    """(x * k).sin() with a Python float k (torch ops: correct gradients)"""
    return (x * k).sin()


def _pick(x, index):
    """x[index] ** 2 with an int64 index tensor (torch ops: correct gradients)"""
    return x[index] ** 2


def _matmul(a, b):
    """a @ b, two float tensors (torch ops: correct gradients)"""
    return a @ b


def _square(x):
    """x * x as a custom Function with a correct backward"""
    return _SquareCorrectBackward.apply(x)


def _wrong_cube(x):
    """x ** 3 as a custom Function whose backward returns 2 * x ** 2 (wrong)"""
    return _CubeWrongBackward.apply(x)


def _wrong_scale(x, k):
    """x * k as a custom Function whose backward returns k + 0.001 (wrong)"""
    return _ScaleWrongBackward.apply(x, k)


FUNCTIONS = {f.__name__.strip("_"): f for f in (_x_tanh_x, _scaled, _pick, _matmul, _square, _wrong_cube, _wrong_scale)}


def _probe_check_gradients(ns, name, *inputs):
    """check_gradients(fn, *inputs) for the probe's function called `name` (cases hold names, not functions,
    so that they are plain data)."""
    verdict = ns.check_gradients(FUNCTIONS[name], *inputs)
    return {"check_gradients returned": verdict, "the inputs passed in, afterwards": list(inputs)}


def _show_check_gradients(name, *inputs) -> str:
    shown = ", ".join(_text(x) for x in inputs)
    return f"check_gradients(fn, {shown}) for fn = {FUNCTIONS[name].__doc__}"


GRADCHECK_CASES = [
    ("x_tanh_x", _randn(40, 2, 3)),
    ("wrong_cube", _randn(41, 4, scale=1.0) + 1.5),
    ("x_tanh_x", _randn(42, 3, dtype=torch.float64)),
    ("scaled", _randn(43, 4), 2.5),
    ("pick", _randn(44, 5), torch.tensor([4, 0, 2])),
    ("matmul", _randn(45, 2, 3), _randn(46, 3, 2)),
    ("square", _randn(47, 2, 2, dtype=torch.float64)),
    ("wrong_scale", _randn(48, 3, dtype=torch.float64), 1.5),
]


CHECKS = [
    Check(
        "SiLU: values and gradients",
        target="SiLU",
        args=[
            (torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0]),),
            (_randn(1, 2, 3),),
            (torch.tensor(1.5),),
            (_randn(2, 3, 4, dtype=torch.float64),),
            (torch.tensor([-100.0, -20.0, 20.0, 100.0]),),
            (torch.zeros(0, 3),),
        ],
        random=_random_x,
        n_random=2,
        probe=_probe_apply("SiLU"),
        describe=_show_apply("SiLU"),
        hint="forward returns x * torch.sigmoid(x) with x's shape and dtype; backward returns "
        "grad_output * (s + x * s * (1 - s)).",
        hints={
            "gradient of x": SILU_GRADIENT,
            "output made by your torch.autograd.Function": "Subclass `torch.autograd.Function`, compute the output in "
            "its static `forward`, and call it through `SiLU.apply(x)`: then autograd uses your backward.",
            "x after the call": "forward changed its input in place; compute a new tensor (`x * torch.sigmoid(x)`).",
            "raised": RAISED,
        },
    ),
    Check(
        "SiLU: its output may be changed in place afterwards (y += residual)",
        target="SiLU",
        args=[
            (torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0]), torch.ones(5)),
            (_randn(3, 2, 3), _randn(4, 2, 3)),
        ],
        random=lambda g: (torch.randn(3, 2, generator=g) * 3, torch.randn(3, 2, generator=g)),
        n_random=1,
        probe=_probe_changed_afterwards,
        describe=lambda x, r: f"y = SiLU.apply(x) for x = {_text(x)} that requires grad; then `y += residual` in "
        "place, as a residual block does; then y backpropagated with fixed random weights",
        depends_on=["SiLU: values and gradients"],
        hint="Save the input x for backward, not the output: the output belongs to the caller, who may change it.",
        hints={"raised": "Autograd refuses to use a saved tensor that was changed in place after it was saved (each "
               "tensor has a version counter). Here the caller changed SiLU's output, so save x instead and "
               "recompute sigmoid(x) in backward, as F.silu does."},
    ),
    Check(
        "SiLU passes gradcheck in float64",
        target="SiLU",
        args=[
            (torch.tensor([-3.0, -1.0, 0.0, 0.5, 2.0], dtype=torch.float64),),
            (_randn(5, 2, 3, dtype=torch.float64),),
            (torch.tensor(0.7, dtype=torch.float64),),
        ],
        random=_random_x64,
        n_random=1,
        probe=_probe_gradcheck("SiLU"),
        transform=_gradcheck_verdict,
        describe=_show_gradcheck("SiLU"),
        hint=GRADCHECK + "With s = sigmoid(x), SiLU's derivative is s + x * s * (1 - s).",
        hints={"gradcheck in float64": GRADCHECK + "Yours disagree: the entry named is where your backward is "
               "furthest off. SiLU's derivative is s + x * s * (1 - s), with s = sigmoid(x), times grad_output."},
    ),
    Check(
        "RoundSTE: rounded values, straight-through gradient",
        target="RoundSTE",
        args=[
            (torch.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, -0.51]),),
            (_randn(6, 2, 3, scale=3.0),),
            (torch.tensor(2.7),),
            (_randn(7, 3, 2, scale=3.0, dtype=torch.float64),),
            (torch.zeros(0),),
        ],
        random=_random_round,
        n_random=2,
        probe=_probe_apply("RoundSTE"),
        describe=_show_apply("RoundSTE"),
        hint="forward returns torch.round(x) (same dtype; halves to even); backward returns grad_output unchanged.",
        hints={
            "gradient of x": "The gradient of a straight-through estimator is grad_output itself, unchanged, for every "
            "element: backward acts as if forward had been the identity.",
            "output made by your torch.autograd.Function": "Subclass `torch.autograd.Function` and call it through "
            "`RoundSTE.apply(x)`: then autograd uses your backward instead of round's zero gradient.",
            "raised": RAISED,
        },
    ),
    Check(
        "Clamp: values and gradients, with Python float bounds",
        target="Clamp",
        args=[
            (torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0]), -0.5, 0.5),
            (_randn(8, 2, 3), -1.0, 1.0),
            (torch.tensor([1.0, 2.0, 3.0, 0.0]), 0, 2),
            (_randn(9, 3, 2, dtype=torch.float64), -0.25, 0.75),
            (torch.tensor(5.0), -1.0, 1.0),
        ],
        random=_random_clamp,
        n_random=2,
        probe=_probe_apply("Clamp"),
        describe=_show_apply("Clamp"),
        hint="forward returns x.clamp(low, high); backward returns grad_output where low <= x <= high (0 elsewhere), "
        "then None, None for low and high.",
        hints={
            "gradient of x": "The gradient passes where low <= x <= high, bounds included (the convention this "
            "exercise states: torch.clamp's before torch 2.15, which gives 0 at a bound since), and is 0 where the "
            "value was cut off: grad_output * ((x >= low) & (x <= high)).",
            "x after the call": "forward changed the caller's x in place (`x.clamp_`): the caller's tensor is now "
            "clamped too. Return a new tensor, `x.clamp(low, high)`.",
            "raised": RAISED,
        },
    ),
    Check(
        "Clamp passes gradcheck in float64 (away from the bounds)",
        target="Clamp",
        args=[
            (torch.tensor([-2.0, -0.3, 0.1, 0.4, 1.9], dtype=torch.float64), -0.5, 0.5),
            (_away(_randn(10, 2, 3, dtype=torch.float64), -1.0, 1.0), -1.0, 1.0),
        ],
        random=_random_clamp_gradcheck,
        n_random=1,
        probe=_probe_gradcheck("Clamp"),
        transform=_gradcheck_verdict,
        describe=_show_gradcheck("Clamp"),
        depends_on=["Clamp: values and gradients, with Python float bounds"],
        hint=GRADCHECK + "Clamp's derivative is 1 inside the bounds and 0 outside.",
        hints={"gradcheck in float64": GRADCHECK + "Yours disagree: the entry named is where your backward is "
               "furthest off. Clamp's derivative is 1 where low <= x <= high and 0 elsewhere."},
    ),
    Check(
        "check_gradients runs gradcheck in float64",
        target="check_gradients",
        args=GRADCHECK_CASES,
        probe=_probe_check_gradients,
        describe=_show_check_gradients,
        hint="Convert each floating-point tensor input to a float64 copy that requires grad, and return "
        "torch.autograd.gradcheck(fn, inputs, raise_exception=False).",
        hints={
            "check_gradients returned": "gradcheck's verdict is wrong for this function: its float inputs must be "
            "float64 copies that require grad, and a failing check must return False, not raise.",
            "the inputs passed in, afterwards": "check_gradients changed a tensor the caller passed in: work on a "
            "copy (`x.detach().to(torch.float64)` is a new tensor even when x is already float64).",
        },
    ),
]
