"""Packaging: `python -m build` makes a wheel and an sdist that carry the whole course; the wheel installs
into a fresh virtual environment that already has torch without touching torch (what `%pip install
pytorch-tutor` on Colab, with its torch preinstalled, relies on); and `pytorch-tutor init`, `check 01`
and a notebook's grading server work from it.

One module-scoped build and environment serve every assertion: the plain venv (no system site-packages)
gets the local CPU torch wheel, the one `pip install torch==2.13.0` takes from this disk, then the built
wheel through pip's resolver. That costs about a minute and a half on the 2-core machine (about 45 s of
CPU), mostly building in an isolated environment and unpacking torch.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import ROOT

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform != "linux", reason="the installed check runs the Linux boundary")]
SHIPPED = ("cli.py", "grader", "reference", "exercises")  # what the package is made of


def local_torch_wheel() -> Path | None:
    """The wheel of this torch that pip finds on this disk (its find-links), if there is one."""
    import torch

    said = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True).stdout
    folders = re.findall(r"find-links='([^']*)'", said) + [os.environ.get("PIP_FIND_LINKS", "")]
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    for folder in " ".join(folders).split():
        found = sorted(Path(folder.removeprefix("file://")).glob(f"torch-{torch.__version__}-{tag}-{tag}-*.whl"))
        if found:
            return found[0]
    return None


def run(argv: list, cwd: Path, timeout: float = 900, expect: int | None = 0) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTORCH_TUTOR_COURSE")}  # nothing of this checkout
    done = subprocess.run([str(a) for a in argv], cwd=cwd, env={**env, "NO_COLOR": "1", "COLUMNS": "200"},
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    assert expect is None or done.returncode == expect, f"{argv} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def tracked(root: Path) -> list[str]:
    """The files of the package as the repository holds them (a clean clone's view), else as found on disk."""
    done = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True, text=True)
    if done.returncode == 0 and done.stdout:
        return [f for f in done.stdout.split("\0") if f and (root / f).is_file()]
    return [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts and ".git" not in p.parts]


def torch_state(site: Path) -> tuple:
    """What changes if pip touches torch: its version's dist-info, and the hash of its RECORD."""
    info = sorted(site.glob("torch-*.dist-info"))
    return tuple((p.name, hashlib.sha256((p / "RECORD").read_bytes()).hexdigest(), (p / "RECORD").stat().st_mtime_ns) for p in info)


def outside_tmp() -> Path | None:
    """A fresh folder for the environment outside /tmp: learner processes get a private /tmp, so a Python
    environment under /tmp could not import what it has not imported yet once the boundary is up."""
    for base in ("/var/tmp", Path.home() / ".cache"):
        try:
            return Path(tempfile.mkdtemp(prefix="pytorch-tutor-packaging-", dir=base))
        except OSError:
            continue
    return None


@pytest.fixture(scope="module")
def installed() -> SimpleNamespace:
    torch_wheel = local_torch_wheel()
    if torch_wheel is None:
        pytest.skip("no wheel of this torch on this disk for pip (its find-links): a fresh environment would download "
                    "torch, several GB with its CUDA packages")
    pytest.importorskip("build", reason="`build` is not installed (pip install -e '.[test]' installs it)")
    tmp = outside_tmp() or pytest.skip("no writable folder outside /tmp for the test environment")
    try:
        yield _install(tmp, torch_wheel)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _install(tmp: Path, torch_wheel: Path) -> SimpleNamespace:
    source = tmp / "source"  # only what a clone holds: no caches, no build leftovers
    for name in tracked(ROOT):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    run([sys.executable, "-m", "build", "--outdir", tmp / "dist", source], tmp)
    wheel, sdist = next((tmp / "dist").glob("*.whl")), next((tmp / "dist").glob("*.tar.gz"))
    run([sys.executable, "-m", "venv", tmp / "venv"], tmp)
    python = tmp / "venv" / "bin" / "python"
    run([python, "-m", "pip", "install", "-q", "--no-compile", torch_wheel], tmp)  # byte-compiling all of torch: 30 s
    site = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp).stdout.strip())
    before = torch_state(site)
    pip = run([python, "-m", "pip", "install", wheel], tmp)
    return SimpleNamespace(tmp=tmp, wheel=wheel, sdist=sdist, source=source, python=python, site=site,
                           bin=python.parent, torch_before=before, pip=pip.stdout)


def test_the_wheel_and_the_sdist_carry_every_file_of_the_course(installed):
    files = [f for f in tracked(installed.source) if f.split("/")[0] in SHIPPED]
    assert any("/mistakes/" in f for f in files) and any("/styles/" in f for f in files)
    in_wheel = set(zipfile.ZipFile(installed.wheel).namelist())
    with tarfile.open(installed.sdist) as sdist:
        in_sdist = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert sorted(set(files) - in_wheel) == [] and sorted(set(files) - in_sdist) == []
    assert {"README.md", "pyproject.toml"} <= in_sdist
    assert not [n for n in in_wheel if "__pycache__" in n or n.startswith(("tests/", "scripts/"))]


def test_installing_the_wheel_where_torch_is_installed_leaves_torch_alone(installed):
    assert torch_state(installed.site) == installed.torch_before
    done = re.search(r"Successfully installed (.*)", installed.pip)
    assert done and "pytorch-tutor-" in done[1] and not re.search(r"\btorch-", done[1]), installed.pip[-2000:]
    assert "Requirement already satisfied: torch" in installed.pip


def test_init_check_and_a_notebook_server_work_from_the_installed_wheel(installed):
    tmp, bin_ = installed.tmp, installed.bin
    where = run([installed.python, "-c", "import grader, reference; print(grader.__file__, reference.__file__)"], tmp).stdout
    assert str(installed.site) in where and str(ROOT) not in where  # the installed copy, not this checkout
    run([bin_ / "pytorch-tutor", "init", "course"], tmp)
    course = tmp / "course"
    untouched = run([bin_ / "pytorch-tutor", "check", "01"], course, expect=1)
    assert "Not started: Tensors" in untouched.stdout
    shutil.copy(installed.site / "reference" / "01_tensors" / "solution.py", course / "exercises" / "01_tensors.py")
    passed = run([bin_ / "pytorch-tutor", "check", "01"], course)
    assert "✓ Passed: Tensors, all 6 checks" in passed.stdout, passed.stdout
    source = (installed.site / "reference" / "02_autograd" / "solution.py").read_text()
    script = ("import json, sys\nfrom grader.notebooks import client\n"
              f"reply = client.grade({{'course': {str(course)!r}, 'exercise': '02', 'cells': [['In [1]', {source!r}]], "
              "'notebook': 'x.ipynb'}, 30)\nprint(json.dumps([reply['result']['status'], client.about()['dumpable']]))")
    said = run([installed.python, "-c", script], tmp).stdout.strip().splitlines()[-1]
    assert json.loads(said) == ["passed", 0]  # graded by the installed package's server, which is not dumpable


def test_an_autograder_zip_made_by_the_installed_package_carries_that_package(installed):
    """`pytorch-tutor autograder` repacks the package it runs from: from an installed wheel, the zip's
    wheel holds the same files, byte for byte, and the course material comes from the installed package."""
    tmp, bin_ = installed.tmp, installed.bin
    run([bin_ / "pytorch-tutor", "init", "ag-course"], tmp)
    run([bin_ / "pytorch-tutor", "--course", tmp / "ag-course", "autograder", "gradescope", "-e", "01", "-o",
         tmp / "ag.zip"], tmp)
    outer = zipfile.ZipFile(installed.wheel)
    with zipfile.ZipFile(tmp / "ag.zip") as archive:
        inner_name = next(n for n in archive.namelist() if n.endswith(".whl"))
        assert inner_name == installed.wheel.name
        inner = zipfile.ZipFile(io.BytesIO(archive.read(inner_name)))
        assert archive.read("course/reference/01_tensors/solution.py") == (
            installed.site / "reference" / "01_tensors" / "solution.py").read_bytes()

    def package(wheel: zipfile.ZipFile) -> dict[str, bytes]:
        return {n: wheel.read(n) for n in wheel.namelist() if ".dist-info/" not in n}

    assert package(inner) == package(outer)
    from grader.isolation.boundary import detect

    if "landlock" not in detect().in_force:
        return  # grading needs a file-system boundary; the zip's contents are checked above
    root = tmp / "ag"
    with zipfile.ZipFile(tmp / "ag.zip") as archive:
        archive.extractall(root / "source")
    (root / "submission").mkdir()
    shutil.copy(installed.site / "reference" / "01_tensors" / "solution.py", root / "submission" / "01_tensors.py")
    env = {"PYTORCH_TUTOR_AUTOGRADER_ROOT": root, "PYTORCH_TUTOR_PYTHON": installed.python}
    log = run(["env", *(f"{k}={v}" for k, v in env.items()), "bash", root / "source" / "run_autograder"], tmp).stdout
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) > 0, results["output"]
    assert all(t["status"] == "passed" for t in results["tests"])
    layers = next(line for line in log.splitlines() if line.startswith("isolation layers around the learner's code: "))
    assert os.geteuid() != 0 or "uid" in layers.split(": ", 1)[1].split(", ")  # as root, the learner drops its uid
    assert "isolation layers" not in results["output"]  # the instructor's log, not the student's page
