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
    import sys

    import torch

    from grader.isolation import lazydynamo, lazyshapes, lazysympy

    torch.set_num_threads(1)
    lazydynamo.install()  # an optimizer then costs no `import torch._dynamo` (about 2 s)
    lazyshapes.install()  # a backward with an explicit gradient (gradcheck) then costs no `import sympy` (about 0.6 s)
    lazysympy.install()  # nor does an elementwise op on the meta device (06's and 14's stand-in GPU)
    for name in preload:  # one not in this torch, or failing here: whoever needs it raises then, as without a preload
        import_or_undo(name)
    if warm and lazydynamo.NAME not in sys.modules:
        import_or_undo(lazydynamo.NAME)  # the plain path, paid once per zygote
    return torch


def import_or_undo(name: str) -> bool:
    """Import `name`; True if it worked. If it fails half-way, forget the compiler-cache artifact types it
    registered before failing (torch's `CacheArtifactFactory`, which refuses a type registered twice), so
    that a job forked from here can import it again instead of failing on "Artifact of type=inductor
    already registered"."""
    import importlib

    before = set(_artifact_types())
    try:
        importlib.import_module(name)
        return True
    except Exception:
        registered = _artifact_types()
        for key in set(registered) - before:
            del registered[key]
        return False


def _artifact_types() -> dict:
    import sys

    factory = getattr(sys.modules.get("torch.compiler._cache"), "CacheArtifactFactory", None)
    found = getattr(factory, "_artifact_types", None)
    return found if isinstance(found, dict) else {}
