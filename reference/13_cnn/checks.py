"""What `pytorch-tutor check 13` establishes (docs/authoring.md). Known mistakes: mistakes/*.py.

SmallCNN probes build the learner's model, give it weights that depend only on parameter shapes
(`fill_parameters`, so attribute names and containers don't matter; a LazyLinear is first
materialised by one forward pass on zeros), and compare shapes, the parameter count, logits and
gradients. The flatten size is the usual trap: its "mat1 and mat2 shapes cannot be multiplied"
error gets a hint of its own. prepare_images gets uint8 images in channels-last order, RGB and
non-square, where reshaping instead of permuting shows. conv2d_unfold is compared in values and
gradients, with every convolution built into torch off limits.
"""

import torch
from torch import nn

from grader.kit import Check, backpropagate, fill_parameters, grads_by_shape, parameter_shapes, with_gradients

HINTS = {
    "conv_output_size": [
        "Count the positions where the kernel fits: it covers dilation * (kernel_size - 1) + 1 pixels of an input "
        "padded on both sides, and moves by stride.",
        "The padded input has size + 2 * padding pixels; the kernel can start at 0, stride, 2 * stride, ... as long "
        "as it still fits. Use `//` (floor) so the result is an int; raise ValueError when it never fits.",
        "Nearly there: `span = dilation * (kernel_size - 1) + 1`; raise ValueError if `size + 2 * padding < span`; "
        "`return (size + 2 * padding - span) // stride + 1`.",
    ],
    "SmallCNN": [
        "Build the layers in `__init__` (after `super().__init__()`) and chain them in `forward`; print `x.shape` "
        "after each step to follow the sizes.",
        "Padding 1 keeps a 3x3 convolution's 28 x 28, each MaxPool2d(2) halves it: 28 -> 14 -> 7. So the last map is "
        "(N, 16, 7, 7), and `torch.flatten(x, 1)` gives (N, 16 * 7 * 7) for `nn.Linear(16 * 7 * 7, 10)`.",
        "Nearly there: `x = pool(relu(conv1(x)))`, `x = pool(relu(conv2(x)))`, `return fc(torch.flatten(x, 1))` with "
        "conv1 = nn.Conv2d(1, 8, 3, padding=1), conv2 = nn.Conv2d(8, 16, 3, padding=1), pool = nn.MaxPool2d(2).",
    ],
    "prepare_images": [
        "Three things differ between the images and what a Conv2d wants: the batch dimension, the order of the "
        "axes, and the dtype.",
        "`images.unsqueeze(0)` adds a batch dimension to a single image; `permute` reorders axes (reshape does not); "
        "`.to(torch.float32) / 255` scales 0..255 to [0, 1].",
        "Nearly there: `if images.ndim == 3: images = images.unsqueeze(0)`, then "
        "`return images.permute(0, 3, 1, 2).to(torch.float32) / 255`.",
    ],
    "conv2d_unfold": [
        "A convolution is a matrix product: each output position is the dot product of one input patch with each "
        "flattened kernel.",
        "`cols = F.unfold(x, (kh, kw), padding=padding, stride=stride)` is (N, C * kh * kw, L); "
        "`weight.reshape(O, -1) @ cols` is (N, O, L). Add the bias per output channel, then reshape to "
        "(N, O, H_out, W_out).",
        "Nearly there: `out = weight.reshape(O, -1) @ cols`, `out = out + bias.view(1, O, 1)` when there is a bias, "
        "`return out.view(N, O, conv_output_size(H, kh, stride, padding), conv_output_size(W, kw, stride, padding))`.",
    ],
}


def _int(g: torch.Generator, low: int, high: int) -> int:
    return int(torch.randint(low, high + 1, (1,), generator=g))


# ---- conv_output_size -----------------------------------------------------------------------------


def _probe_size(ns, size, kernel_size, stride, padding, dilation):
    try:
        found = ns.conv_output_size(size, kernel_size, stride, padding, dilation)
    except ValueError:
        return {"raises ValueError": True, "output size": None}
    return {"raises ValueError": False, "output size": found}


def _random_size(g: torch.Generator) -> tuple:
    return _int(g, 1, 40), _int(g, 1, 7), _int(g, 1, 4), _int(g, 0, 3), _int(g, 1, 3)


def _describe_size(size, kernel_size, stride, padding, dilation) -> str:
    return (f"conv_output_size({size}, kernel_size={kernel_size}, stride={stride}, padding={padding}, "
            f"dilation={dilation}): the side of nn.Conv2d(..., {kernel_size}, stride={stride}, padding={padding}, "
            f"dilation={dilation})'s output for a side of {size} pixels")


SIZES = [
    (28, 3, 1, 1, 1),  # "same" 3x3 convolution
    (28, 2, 2, 0, 1),  # MaxPool2d(2)
    (14, 2, 2, 0, 1),
    (28, 5, 1, 0, 1),  # LeNet's first convolution
    (32, 3, 2, 1, 1),  # a strided convolution that halves: 32 -> 16
    (7, 3, 2, 0, 1),
    (8, 3, 3, 0, 1),  # a partial window at the edge is dropped
    (10, 3, 1, 0, 2),  # dilation 2: the kernel spans 5 pixels
    (7, 3, 2, 0, 2),
    (5, 5, 1, 0, 1),  # the kernel just fits: one position
    (1, 1, 1, 0, 1),
    (1, 3, 1, 1, 1),  # padding makes room
    (6, 4, 2, 3, 1),
    (224, 7, 2, 3, 1),  # ResNet's stem: 224 -> 112
    (2, 5, 1, 0, 1),  # too small: ValueError
    (4, 3, 1, 0, 2),  # the dilated kernel spans 5 pixels: ValueError
]

# ---- SmallCNN -------------------------------------------------------------------------------------


def _images(seed: int, n: int) -> torch.Tensor:
    return torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed))


def _built(ns) -> nn.Module | None:
    """The learner's SmallCNN, with any lazy parameters (nn.LazyLinear) materialised, or None
    when it is not an nn.Module."""
    model = ns.SmallCNN()
    if not isinstance(model, nn.Module):
        return None
    if any(nn.parameter.is_lazy(p) for p in model.parameters()):
        with torch.no_grad():
            model(torch.zeros(1, 1, 28, 28))
    return model


def _probe_structure(ns):
    model = _built(ns)
    if model is None:
        return {"SmallCNN() is an nn.Module": False, "parameter shapes": None, "number of parameters": None}
    return {
        "SmallCNN() is an nn.Module": True,
        "parameter shapes": str(parameter_shapes(model)),  # sorted, so names and order don't matter
        "number of parameters": sum(p.numel() for p in model.parameters()),
    }


def _probe_forward(ns, x):
    model = _built(ns)
    if model is None:
        return {"SmallCNN() is an nn.Module": False, "logits": None, "gradient of x": None, "parameter gradients": None}
    fill_parameters(model)
    leaf = x.detach().clone().requires_grad_(True)
    out = model(leaf)
    backpropagate(out)
    return {
        "SmallCNN() is an nn.Module": True,
        "logits": out,
        "gradient of x": leaf.grad,
        "parameter gradients": grads_by_shape(model),
    }


_FLATTEN = (
    "The Linear layer must take exactly the flattened size of the last feature map. Follow the shapes: padding=1 "
    "keeps a 3x3 convolution's 28 x 28, each MaxPool2d(2) halves it (28 -> 14 -> 7), so the map is (N, 16, 7, 7) "
    "and the layer is nn.Linear(16 * 7 * 7, 10), after `torch.flatten(x, 1)`. \"mat1 and mat2 shapes cannot be "
    "multiplied (A x B and C x D)\" means B features arrived where the layer expects C."
)

_RAISED = (
    "A shape does not fit somewhere in forward: print `x.shape` after each layer. \"mat1 and mat2 shapes cannot be "
    "multiplied (A x B and C x D)\" is the flatten size: B features arrive where the Linear layer expects C. "
    "padding=1 keeps a 3x3 convolution's 28 x 28 and each MaxPool2d(2) halves it (28 -> 14 -> 7), so the last map "
    "is (N, 16, 7, 7): `torch.flatten(x, 1)` and nn.Linear(16 * 7 * 7, 10)."
)

# ---- prepare_images -------------------------------------------------------------------------------


def _uint8(seed: int, *shape: int) -> torch.Tensor:
    return torch.randint(0, 256, shape, generator=torch.Generator().manual_seed(seed), dtype=torch.uint8)


def _random_images(g: torch.Generator) -> tuple:
    shape = [_int(g, 1, 6), _int(g, 1, 6), [1, 3][_int(g, 0, 1)]]
    if _int(g, 0, 1):
        shape.insert(0, _int(g, 1, 3))
    return (torch.randint(0, 256, shape, generator=g, dtype=torch.uint8),)


def _probe_prepare(ns, images):
    batch = ns.prepare_images(images)
    return {"batch": batch, "the images passed in, afterwards": images}


def _describe_prepare(images) -> str:
    what = "a single image (H, W, C)" if images.ndim == 3 else "a batch (N, H, W, C)"
    return f"prepare_images(uint8 images of shape {tuple(images.shape)}: {what})"


# ---- conv2d_unfold --------------------------------------------------------------------------------


def _conv_case(seed: int, x_shape: tuple, w_shape: tuple, bias: bool, stride: int, padding: int) -> tuple:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(*x_shape, generator=g)
    w = torch.randn(*w_shape, generator=g) * 0.5
    b = torch.randn(w_shape[0], generator=g) if bias else None
    return x, w, b, stride, padding


def _random_conv(g: torch.Generator) -> tuple:
    n, c, o = _int(g, 1, 2), _int(g, 1, 3), _int(g, 1, 4)
    kh, kw, stride, padding = _int(g, 1, 3), _int(g, 1, 3), _int(g, 1, 2), _int(g, 0, 1)
    h, w = _int(g, max(kh, 2), 7), _int(g, max(kw, 2), 7)
    bias = torch.randn(o, generator=g) if _int(g, 0, 2) else None
    return torch.randn(n, c, h, w, generator=g), torch.randn(o, c, kh, kw, generator=g) * 0.5, bias, stride, padding


_CONV_GRADIENT = (
    "The gradient with respect to {} is wrong although the values are right: build the output from the tensors "
    "you were given with tensor operations only (unfold, reshape, @, +), without `.detach()`, `.data`, "
    "`torch.no_grad()` or copies through NumPy or Python numbers, so autograd can follow every step back."
)


def _describe_conv(x, weight, bias, stride, padding) -> str:
    b = f"bias of shape {tuple(bias.shape)}" if bias is not None else "bias=None"
    return (f"conv2d_unfold(x of shape {tuple(x.shape)}, weight of shape {tuple(weight.shape)}, {b}, stride={stride}, "
            f"padding={padding}), compared with F.conv2d; then the output backpropagated with fixed random weights")


CHECKS = [
    Check(
        "conv_output_size",
        target="conv_output_size",
        args=SIZES,
        random=_random_size,
        n_random=16,
        probe=_probe_size,
        describe=_describe_size,
        hints={"raises ValueError": "When the dilated kernel, dilation * (kernel_size - 1) + 1 pixels, is larger than "
               "the padded input, size + 2 * padding, there is no output: raise ValueError (and only then)."},
        hint="Output size = (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1.",
    ),
    Check(
        "SmallCNN's layers",
        target="SmallCNN",
        args=[()],
        probe=_probe_structure,
        describe=lambda: "SmallCNN(), then its parameter shapes (sorted) and their total number of elements",
        hints={
            "SmallCNN() is an nn.Module": "Subclass `nn.Module` and call `super().__init__()` first in `__init__`.",
            "parameter shapes": "Expected two convolutions, weights (8, 1, 3, 3) and (16, 8, 3, 3) with their "
            "biases, and one Linear layer. " + _FLATTEN,
        },
        hint="Conv2d(1, 8, 3, padding=1), Conv2d(8, 16, 3, padding=1) and Linear(16 * 7 * 7, 10): 9098 parameters.",
    ),
    Check(
        "SmallCNN forward and gradients",
        target="SmallCNN",
        args=[(_images(1, 2),), (_images(2, 1),), (_images(3, 3),)],
        random=lambda g: (torch.rand(_int(g, 1, 3), 1, 28, 28, generator=g),),
        n_random=1,
        probe=_probe_forward,
        describe=lambda x: f"model = SmallCNN() with fixed weights; model(x) for x of shape {tuple(x.shape)} with "
        "requires_grad=True; then the logits backpropagated with fixed random weights",
        hints={"raised": _RAISED, "SmallCNN() is an nn.Module": "Subclass `nn.Module` and call `super().__init__()`."},
        hint="forward: conv1 -> ReLU -> MaxPool2d(2) -> conv2 -> ReLU -> MaxPool2d(2) -> flatten from dim 1 -> fc, "
        "and return the logits as they are (no softmax).",
    ),
    Check(
        "prepare_images",
        target="prepare_images",
        args=[(_uint8(1, 2, 4, 6, 3),), (_uint8(2, 5, 7, 3),), (_uint8(3, 3, 28, 28, 1),), (_uint8(4, 1, 2, 3, 3),)],
        random=_random_images,
        n_random=2,
        probe=_probe_prepare,
        describe=_describe_prepare,
        hint="Add the batch dimension to a single image, move the channel axis with `permute(0, 3, 1, 2)`, and "
        "convert with `.to(torch.float32) / 255`.",
    ),
    Check(
        "conv2d_unfold",
        target="conv2d_unfold",
        args=[
            (torch.arange(16.0).reshape(1, 1, 4, 4), torch.tensor([[[[1.0, -1.0], [2.0, 0.5]]]]), torch.tensor([0.5]), 1, 0),
            _conv_case(1, (2, 3, 5, 6), (4, 3, 3, 2), True, 1, 1),
            _conv_case(2, (1, 2, 7, 7), (3, 2, 3, 3), False, 2, 1),
            _conv_case(3, (2, 2, 5, 5), (2, 2, 1, 1), True, 1, 0),
        ],
        random=_random_conv,
        n_random=2,
        probe=with_gradients("conv2d_unfold", names=("x", "weight", "bias")),
        describe=_describe_conv,
        forbid=["torch.nn.functional.conv2d", "torch.conv2d", "torch.convolution", "torch._convolution"],
        hints={
            "gradient of x": _CONV_GRADIENT.format("x"),
            "gradient of weight": _CONV_GRADIENT.format("weight"),
            "gradient of bias": _CONV_GRADIENT.format("bias"),
            "forbidden": "Write the convolution with `F.unfold` and a matrix product: F.conv2d (and nn.Conv2d, "
            "which calls it) is what you are rebuilding here.",
        },
        hint="`cols = F.unfold(x, (kh, kw), padding=padding, stride=stride)`; `weight.reshape(O, -1) @ cols`; plus "
        "`bias.view(1, O, 1)`; then `.view(N, O, H_out, W_out)`.",
        depends_on=["conv_output_size"],
    ),
]
