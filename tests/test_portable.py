"""The portable backend (macOS, Windows, and Linux with PYTORCH_TUTOR_BACKEND=portable), tested on Linux.

Nothing here ran on a Mac or on Windows. What stands in for them, and says so:
- the whole-check test runs with everything Linux-only made to raise (tests/nolinux/sitecustomize.py);
- Seatbelt: the profile is checked as text, and a stand-in `sandbox-exec` on PATH records how it is
  called and then runs the command without any sandbox (so the wiring is real, the wall is not);
- the Job Object: the real ctypes code runs against a stand-in kernel32 that records every call and
  keeps the job's processes with `ps` (so the limits passed are real, their enforcement is not);
- Windows paths: the functions that build paths are given PureWindowsPath/ntpath inputs.
"""

from __future__ import annotations

import ctypes
import json
import ntpath
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path, PureWindowsPath

import pytest

from conftest import COURSE, ROOT
from grader.isolation import backend, guard, jobobject, seatbelt, spawned, spawner
from grader.isolation.sandbox import Limits

NOLINUX = ROOT / "tests" / "nolinux"
SOLUTION_03 = (ROOT / "reference/03_nn_module/solution.py").read_text()
SOLUTION_01 = (ROOT / "reference/01_tensors/solution.py").read_text()


def test_the_backend_is_chosen_by_the_environment(monkeypatch):
    monkeypatch.setenv(backend.ENV, "portable")
    assert backend.name() == "portable"
    assert type(backend.Pool(1)).__name__ == "PortablePool"
    monkeypatch.setenv(backend.ENV, "linux")
    assert backend.name() == ("linux" if sys.platform == "linux" else "portable")
    monkeypatch.delenv(backend.ENV)
    assert backend.name() == ("linux" if sys.platform == "linux" else "portable")


DRIVER = """
import json, os, subprocess, sys, time
from pathlib import Path
from grader import engine
from grader.course import find_course
from grader.isolation import backend
from grader.isolation.sandbox import Limits

course, work = find_course(Path(sys.argv[1])), Path(sys.argv[2])
cases = json.loads(sys.argv[3])
denied = []
for name, attempt in (("fork", lambda: os.fork()), ("proc", lambda: open("/proc/self/stat")),
                      ("prctl", lambda: __import__("ctypes").CDLL(None).prctl)):
    try:
        attempt()
    except RuntimeError:
        denied.append(name)
out = {"denied": denied, "backend": backend.name()}
(work / "03.py").write_text(cases.pop("03"))
r = engine.check_exercise(course, course.resolve("03"), work / "03.py")
out["03"] = [r.status, r.isolation]
with backend.Pool(1) as pool:
    for name, (src, timeout) in cases.items():
        (work / f"{name}.py").write_text(src)
        r = engine.check_exercise(course, course.resolve("01"), work / f"{name}.py", pool=pool,
                                  limits=Limits(timeout=timeout, memory_bytes=2**30))
        out[name] = [r.status, r.message or next((c.message for c in r.checks if not c.passed), ""), r.output[-400:]]
print(json.dumps(out))
"""

OUTLIVE = SOLUTION_01 + textwrap.dedent("""
    import os, posix, time
    if posix.fork() == 0:
        os.setsid()
        if posix.fork() == 0:
            print("GRANDCHILD", os.getpid(), flush=True)
            time.sleep(600)
        os._exit(0)
    time.sleep(0.5)
""")
FORGE = ("import os\nfrom grader.judging.channel import pack\n"
         "os.write(3, pack({'complete': True, 'outcomes': {'everything': []}}))\nos._exit(0)\n")
HOSTILE = {
    "loop": ("while True:\n    pass\n", 3),
    "memory": ("import torch\nkeep = []\nwhile True:\n    keep.append(torch.ones(64 * 2**20 // 4))\n", 30),
    "outlive": (OUTLIVE, 30),
    "forge": (FORGE, 30),
}


def _gone(pid: int) -> bool:
    state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()
    return state in ("", "Z") or state.startswith("Z")


def test_the_portable_path_needs_nothing_linux_only(tmp_path: Path):
    """A whole check of 03 passes, and hostile submissions are contained by the deadline, the memory
    limit, the tree kill and the channel's validation, with fork, /proc, unshare/mount/prctl (so
    PR_SET_PDEATHSIG) and Landlock all raising in the trusted process and in every worker."""
    env = {**os.environ, "PYTORCH_TUTOR_DENY_LINUX": "1", backend.ENV: "portable",
           "PYTHONPATH": os.pathsep.join([str(NOLINUX), str(ROOT)])}
    cases = {"03": SOLUTION_03, **{k: v for k, v in HOSTILE.items()}}
    done = subprocess.run([sys.executable, "-c", DRIVER, str(ROOT), str(tmp_path), json.dumps(cases)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["denied"] == ["fork", "proc", "prctl"] and out["backend"] == "portable"
    assert out["03"][0] == "passed" and "spawned" in out["03"][1], out["03"]
    assert out["loop"][0] == "error"
    assert out["loop"][1].startswith("time limit: your code was still running after 3 s (it was at line "), out["loop"]
    assert out["memory"][0] == "error" and out["memory"][1].startswith("memory limit: your code used more than 1 GiB")
    assert out["outlive"][0] == "passed", out["outlive"]
    grandchild = int(out["outlive"][2].split("GRANDCHILD", 1)[1].split()[0])
    assert _gone(grandchild), "a process the learner's code double-forked away outlived the check"
    assert out["forge"][0] == "error" and "a check that does not exist" in out["forge"][1], out["forge"]
    assert not list(Path(os.environ["TMPDIR"]).glob(f"{spawner.PREFIX}*")), "a job folder was left behind"
