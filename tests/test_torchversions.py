"""The torch versions the course declares and was proven on (scripts/compat.py), and what a learner
on another torch is told."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib

import pytest

from conftest import ROOT, cli
from grader import torchversions

NOTE = "outside the versions this course is tested with"


def _torch_reported_as(monkeypatch, version: str) -> None:
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: version if name == "torch" else real(name))


@pytest.mark.parametrize("version", ["2.6.0", "2.10.2", "2.16.0", "3.0.0"])
def test_a_torch_outside_the_tested_versions_gets_one_plain_line_at_check_and_still_grades(course_dir, monkeypatch, version):
    _torch_reported_as(monkeypatch, version)
    result = cli(course_dir, "check", "01")
    assert result.exit_code == 1  # the stub fails as usual: the note is not a failure
    notes = [line for line in result.output.splitlines() if NOTE in line]
    assert len(notes) == 1 and f"torch {version}" in notes[0], result.output
    assert "Not started: Tensors" in result.output


@pytest.mark.parametrize("version", ["2.11.0", "2.12.1+cu126", "2.13.0+cpu", "2.15.0"])
def test_a_torch_within_the_tested_versions_gets_no_note(course_dir, monkeypatch, version):
    _torch_reported_as(monkeypatch, version)
    result = cli(course_dir, "check", "01")
    assert NOTE not in result.output


def test_the_declared_range_is_the_tested_one():
    """pyproject's torch requirement starts at the oldest proven torch and stops after the newest,
    so pip refuses what no compat run covered."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    torch_req = next(d for d in declared if re.match(r"torch\b", d))
    low, high = re.fullmatch(r"torch>=(\d+\.\d+),<(\d+\.\d+)", torch_req.replace(" ", "")).groups()
    oldest, newest = torchversions.TESTED[0], torchversions.TESTED[-1]
    assert torchversions.minor(low) == oldest
    assert torchversions.minor(high) == (newest[0], newest[1] + 1)


def test_the_stand_ins_take_the_fast_path_only_on_proven_torches(monkeypatch):
    monkeypatch.delenv(torchversions.FORCE_STANDINS, raising=False)
    proven = [f"{a}.{b}.0" for a, b in torchversions.TESTED]
    assert all(map(torchversions.standins_proven, proven + ["2.13.0+cpu", "2.15.1"]))
    assert not any(map(torchversions.standins_proven, ["2.5.1", "2.16.0", "2.14.0.dev20260101", "nightly", ""]))
    monkeypatch.setenv(torchversions.FORCE_STANDINS, "1")  # how scripts/compat.py tests them on another torch
    assert torchversions.standins_proven("2.16.0")


HALF_REGISTERED = '''
import os
from torch.compiler._cache import CacheArtifact, CacheArtifactFactory

@CacheArtifactFactory.register
class HalfRegistered(CacheArtifact):
    @staticmethod
    def type():
        return "pytorch-tutor-test-half-registered"

if os.environ.get("HALF_REGISTERED_FAILS") == "1":
    raise OSError("No username set in the environment")  # what torch 2.11's compiler raised for a uid with no name
'''


def test_a_compiler_import_that_failed_half_way_in_a_warm_process_can_be_imported_again(tmp_path, monkeypatch):
    """torch's compiler registers its cache artifact types as it imports, and refuses a type registered
    twice: a warm zygote whose preload failed half-way must not make every job's import fail on
    "Artifact of type=... already registered"."""
    pytest.importorskip("torch.compiler._cache")
    from torch.compiler._cache import CacheArtifactFactory

    from grader.isolation import torchsetup

    (tmp_path / "half_registered.py").write_text(HALF_REGISTERED)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("HALF_REGISTERED_FAILS", "1")
    try:
        assert not torchsetup.import_or_undo("half_registered")
        monkeypatch.setenv("HALF_REGISTERED_FAILS", "0")
        assert torchsetup.import_or_undo("half_registered")
    finally:
        CacheArtifactFactory._artifact_types.pop("pytorch-tutor-test-half-registered", None)


def test_a_compiler_error_matches_a_mistake_whatever_file_torch_names_after_it():
    """torch 2.6 appends "from user code: File ..." to a compiler error: the learner's file and the mistake
    file differ there, and the mistake must still be recognised; a different error must not."""
    from grader.judging.matching import same_outcome

    def raised(message):
        return {"error": {"type": "UserError", "message": message}}

    learner = raised('Dynamic control flow is not supported\n\nfrom user code:\n   File "/tmp/mine.py", line 39')
    mistake = raised('Dynamic control flow is not supported\n\nfrom user code:\n   File "/ref/mistakes/if.py", line 7')
    assert same_outcome(learner, mistake)
    assert not same_outcome(learner, raised('Something else\n\nfrom user code:\n   File "/tmp/mine.py", line 39'))
