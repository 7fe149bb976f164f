"""How every grading process sets torch up: the trusted one, cold workers and warm zygotes."""

from __future__ import annotations


def prepare(warm: bool = False, preload: tuple[str, ...] = ()):
    """Import torch for grading and return it.

    One intra-op thread: a check's tensors are tiny, and the learner's process, the
    trusted process and other checks run side by side on a few cores, where a second
    thread mostly waits for a core (measured: the 07 reference took 0.9 s with two
    threads beside a learner process, 0.28 s with one). The same thread count on both
    sides also keeps floating-point reductions in the same order.

    `warm`: for a zygote that forks many jobs. On a torch the `torch._dynamo` stand-in
    was not tested with (`grader.torchversions.TESTED`), the zygote imports the real compiler
    package once, as torch itself would for the first optimizer, so each job inherits
    it instead of importing it again.

    `preload`: modules an exercise's checks import the first time they run (course.toml's
    `preload`, such as `torch.export._trace`, a second of compiler imports). A cold check imports
    them here, before forking its keeper, so that the learner's process inherits them instead of
    importing them again alongside this one.
    """
    import importlib
    import sys

    import torch

    from grader.isolation import lazydynamo, lazyshapes, lazysympy

    torch.set_num_threads(1)
    lazydynamo.install()  # an optimizer then costs no `import torch._dynamo` (about 2 s)
    lazyshapes.install()  # a backward with an explicit gradient (gradcheck) then costs no `import sympy` (about 0.6 s)
    lazysympy.install()  # nor does an elementwise op on the meta device (06's and 14's stand-in GPU)
    for name in preload:
        try:
            importlib.import_module(name)
        except ImportError:  # not in this torch: whoever needs it raises then, as without a preload
            pass
    if warm and lazydynamo.NAME not in sys.modules:
        try:
            import torch._dynamo  # noqa: F401  (the plain path, paid once per zygote)
        except Exception:  # a torch without a usable compiler: each job imports what it needs
            pass
    return torch
