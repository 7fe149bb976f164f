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

from conftest import COURSE, ROOT, copy_course
from grader.isolation import backend, guard, jobobject, seatbelt, spare, spawned, spawner
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


@pytest.mark.slow
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
    left = [p for p in Path(os.environ["TMPDIR"]).glob(f"{spawner.PREFIX}*") if f"-{spare.SPARE_INFIX}" not in p.name]
    assert not left, "a job folder was left behind"  # a Linux spare's (this process's warm pool) is not


# --- macOS: the Seatbelt profile, generated from data ---------------------------------------------

RULE = __import__("re").compile(r'^\((allow|deny) ([^()]+?)(?: (\(.*))?\)$')


def sbpl_allows(text: str, values: dict, operation: str, path: str) -> bool:
    """A small evaluator of the profile's file rules, the last matching rule winning (as SBPL does)."""
    import re

    verdict = None
    for line in text.splitlines():
        found = RULE.match(line)
        if not found:
            continue
        action, ops, filters = found[1], found[2].split(), found[3] or ""
        if ops == ["default"]:
            verdict = action == "allow"
            continue
        if not any(op == operation or (op.endswith("*") and operation.startswith(op[:-1])) for op in ops):
            continue
        matches = not filters
        for kind, arg in re.findall(r'\((subpath|literal|regex) (\(param "[A-Z_0-9]+"\)|"[^"]*"|#"[^"]*")\)', filters):
            target = values[arg[8:-2]] if arg.startswith("(param") else arg.lstrip("#").strip('"')
            if kind == "subpath":
                matches |= path == target or path.startswith(target.rstrip("/") + "/")
            elif kind == "literal":
                matches |= path == target
            else:
                matches |= re.search(target, path) is not None
        if matches:
            verdict = action == "allow"
    return bool(verdict)


COURSE_ON_A_MAC = "/Users/Zoë Smith/my course (1)"
FRAMEWORK = "/Library/Frameworks/Python.framework/Versions/3.11"


def mac_walls() -> seatbelt.Walls:
    course, venv = COURSE_ON_A_MAC, f"{COURSE_ON_A_MAC}/.venv/lib/python3.11/site-packages"
    return seatbelt.Walls(job="/private/var/folders/xy/T/pytorch-tutor-job-12-ab",
                          denied=(f"{course}/reference", f"{course}/.pytorch-tutor", f"{course}/exercises", "/private/var/folders/xy/T",
                                  course + "/.venv/lib/python3.11/site-packages/grader/secret"),
                          checks_root=f"{course}/reference", readable=(venv, f"{course}/.venv/bin", FRAMEWORK),
                          denied_inside=(f"{venv}/reference", f"{venv}/grader/secret"),
                          executables=(f"{course}/.venv/bin/python", f"{FRAMEWORK}/Resources/Python.app/Contents/MacOS/Python"),
                          listable=(f"{course}/.venv/src",))


def test_the_seatbelt_profile_walls_off_the_course_and_opens_only_the_job_folder():
    course, walls = COURSE_ON_A_MAC, mac_walls()
    venv = f"{course}/.venv/lib/python3.11/site-packages"
    values = seatbelt.params(walls, realpath=lambda p: p)
    text = seatbelt.profile(values)
    assert course not in text, "paths travel as -D parameters, never inside the profile's text except the checks regex"
    assert "(deny network*)" in text and "(allow signal (target same-sandbox))" in text
    can_read = lambda p: sbpl_allows(text, values, "file-read-data", p)  # noqa: E731
    can_write = lambda p: sbpl_allows(text, values, "file-write-data", p)  # noqa: E731
    for denied in ("reference/03_nn_module/solution.py", "reference/03_nn_module/mistakes/m1.py", "reference",
                   ".pytorch-tutor/progress.json", "exercises/04_training_loop.py", "reference/03_nn_module/styles/checks.py"):
        assert not can_read(f"{course}/{denied}"), denied
        assert not sbpl_allows(text, values, "file-read-metadata", f"{course}/{denied}"), denied
    assert not can_read("/private/var/folders/xy/T/another-job/x.py")
    assert can_read(f"{venv}/torch/__init__.py"), "Python inside a forbidden folder (a venv in the course) is given back"
    assert not can_read(f"{venv}/reference/01_tensors/solution.py") and not can_read(f"{venv}/grader/secret/x")
    for allowed in (f"{course}/reference/03_nn_module/checks.py", f"{walls.job}/03_nn_module.py",
                    "/usr/lib/libSystem.B.dylib", "/System/Library/Frameworks/Metal.framework/Metal", f"{FRAMEWORK}/lib/python3.11/os.py",
                    f"{course}/.venv/src"):
        assert can_read(allowed), allowed
    assert sbpl_allows(text, values, "file-map-executable", f"{venv}/torch/lib/libtorch_cpu.dylib")
    assert not sbpl_allows(text, values, "file-map-executable", f"{venv}/reference/x.so")
    for not_readable in ("/Users/Zoë Smith/.ssh/id_rsa", "/Library/Frameworks/Other.framework/x", f"{course}/.venv/src/pkg/x.py",
                         "/private/etc/master.passwd", "/Users/Zoë Smith/Documents/notes.txt"):
        assert not can_read(not_readable), not_readable
    assert can_write(f"{walls.job}/out.pt") and can_write("/dev/null")
    for outside in (f"{course}/exercises/03_nn_module.py", "/Users/Zoë Smith/.zshrc", "/private/tmp/x", f"{course}/reference/03_nn_module/checks.py",
                    f"{venv}/torch/__init__.py", "/usr/lib/x"):
        assert not can_write(outside), outside


def sexpressions(text: str) -> list:
    """The profile read as S-expressions (strings, #"regex" strings, ; comments), or AssertionError if unbalanced."""
    import re

    stack: list[list] = [[]]
    for token in re.findall(r';[^\n]*|#?"(?:[^"\\]|\\.)*"|[()]|[^\s()";]+', text):
        if token.startswith(";"):
            continue
        if token == "(":
            stack.append([])
        elif token == ")":
            assert len(stack) > 1, "a ) closes nothing"
            done = stack.pop()
            stack[-1].append(done)
        else:
            stack[-1].append(token)
    assert len(stack) == 1, "a ( is never closed"
    return stack[0]


def test_the_seatbelt_profile_is_deny_default_and_balanced_and_allows_nothing_wholesale():
    """Without a Mac its compiler is out of reach (and no well-kept SBPL linter was found): the profile is
    read as S-expressions here, and each rule's shape is checked."""
    values = seatbelt.params(mac_walls(), realpath=lambda p: p)
    forms = sexpressions(seatbelt.profile(values))
    assert forms[0] == ["version", "1"] and forms[1] == ["deny", "default"]
    assert all(isinstance(f, list) and f[0] in ("allow", "deny") for f in forms[1:])
    bare = {op for action, op, *filters in forms if action == "allow" and not filters}
    assert bare == {op for op, _ in seatbelt.rules.UNFILTERED}, bare
    assert not bare & {"file-read*", "file-read-data", "file-write*", "file-write-data", "process-exec", "mach-lookup",
                       "sysctl-read", "iokit-open", "network*", "network-outbound", "default", "signal"}
    assert not any(op.startswith("network") for action, op, *_ in forms if action == "allow"), "no network rule is an allow"
    assert forms[-1] == ["deny", "network*"], "network is denied last, whatever was allowed before"
    assert all(f"{name}_0" in values for name in ("JOB", "DENIED", "READABLE", "INNER", "EXEC", "LIST") if name != "JOB")
    for action, op, *filters in forms:
        if action == "allow" and op in ("file-read*", "file-write*"):
            params = [f[1][1].strip('"') for f in filters if isinstance(f, list) and len(f) == 2 and isinstance(f[1], list)]
            named = {values[name] for name in params}
            assert not any(v.startswith(f"{COURSE_ON_A_MAC}/reference") or v.startswith(f"{COURSE_ON_A_MAC}/exercises") for v in named), filters


def test_the_seatbelt_profile_lets_the_learner_exec_only_this_python_and_reach_no_network():
    values = seatbelt.params(mac_walls(), realpath=lambda p: p)
    text = seatbelt.profile(values)
    assert sbpl_allows(text, values, "process-exec", f"{COURSE_ON_A_MAC}/.venv/bin/python")
    assert sbpl_allows(text, values, "process-exec", f"{FRAMEWORK}/Resources/Python.app/Contents/MacOS/Python")
    for other in ("/bin/sh", "/usr/bin/curl", f"{COURSE_ON_A_MAC}/.venv/bin/pip", "/private/var/folders/xy/T/pytorch-tutor-job-12-ab/a.out"):
        assert not sbpl_allows(text, values, "process-exec", other), other
    for op in ("network-outbound", "network-inbound", "network-bind"):
        assert not sbpl_allows(text, values, op, ""), op
    no_exec = seatbelt.profile(seatbelt.params(seatbelt.Walls(job="/j"), realpath=lambda p: p))
    assert "process-exec" not in no_exec, "no interpreter known: no exec at all, never a bare allow"


def test_the_walls_of_a_worker_here_name_this_python_and_the_graders_folder():
    walls = spawner.seatbelt_walls("/tmp/job", (str(ROOT / "reference"),), str(ROOT / "reference"))
    assert os.path.realpath(sys.executable) in walls.executables
    assert any(os.path.realpath(sys.executable).startswith(r) for r in walls.readable)
    assert walls.listable == (str(ROOT),) and os.path.realpath(ROOT / "reference") in walls.denied
    import torch

    assert any(os.path.realpath(torch.__file__).startswith(r + os.sep) for r in walls.readable), "torch is readable"


def test_the_seatbelt_checks_regex_matches_only_checks_files_and_refuses_unquotable_paths():
    import re

    pattern = f"^{seatbelt.regex_literal('/a.b/c+d [x]')}/[^/]+/checks\\.py$"
    assert re.search(pattern, "/a.b/c+d [x]/03/checks.py")
    assert not re.search(pattern, "/aXb/c+d [x]/03/checks.py") and not re.search(pattern, "/a.b/c+d [x]/03/solution.py")
    with pytest.raises(ValueError):
        seatbelt.regex_literal('/Users/a"b')


STANDIN_SANDBOX_EXEC = """#!{python}
# A stand-in for macOS's sandbox-exec: records how it was called, then runs the command with NO sandbox.
import json, os, sys
args = sys.argv[1:]
record = {{"profile": None, "params": {{}}}}
while args and args[0] in ("-p", "-D"):
    flag, value, args = args[0], args[1], args[2:]
    if flag == "-p":
        record["profile"] = value
    else:
        name, _, val = value.partition("=")
        record["params"][name] = val
record["argv"] = args
with open(os.environ["STANDIN_LOG"], "a") as log:
    log.write(json.dumps(record) + "\\n")
os.execv(args[0], args)
"""


def test_a_check_on_macos_runs_its_worker_under_sandbox_exec_with_the_profile(tmp_path: Path, monkeypatch):
    """The wiring, end to end, with a stand-in `sandbox-exec` on PATH (it records its arguments and runs
    the command unsandboxed: the profile's effect is not tested here, only that it is applied)."""
    from grader.engine import check_exercise
    from grader.isolation.portable import PortablePool

    tool = tmp_path / "bin" / "sandbox-exec"
    tool.parent.mkdir()
    tool.write_text(STANDIN_SANDBOX_EXEC.format(python=sys.executable))
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tool.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("STANDIN_LOG", str(tmp_path / "calls.jsonl"))
    monkeypatch.setattr(spawner, "OS", "darwin")
    learner = tmp_path / "work" / "03_nn_module.py"
    learner.parent.mkdir()
    learner.write_text(SOLUTION_03)
    with PortablePool(1) as pool:
        result = check_exercise(COURSE, COURSE.resolve("03"), learner, pool=pool)
    assert result.status == "passed" and {"spawned", "seatbelt"} <= set(result.isolation), (result.status, result.isolation)
    call = json.loads((tmp_path / "calls.jsonl").read_text().splitlines()[0])
    assert call["argv"][1:] == ["-m", "grader.isolation.spawned"]
    assert "(deny network*)" in call["profile"] and '(subpath (param "JOB"))' in call["profile"]
    params = call["params"]
    assert os.path.basename(params["JOB"]).startswith(spawner.PREFIX)
    denied = {v for k, v in params.items() if k.startswith("DENIED_")}
    assert {os.path.realpath(ROOT / "reference"), os.path.realpath(COURSE.state_dir), os.path.realpath(learner.parent)} <= denied
    assert params["CHECKS_ROOT"] == os.path.realpath(ROOT / "reference")


# --- Windows: the Job Object, through a stand-in kernel32 ------------------------------------------

class StandInKernel32:
    """Records every call the Job Object code makes; keeps the job's processes with `ps` (Linux)."""

    def __init__(self):
        from grader.isolation.ptree import PsTree

        self.calls: list[tuple] = []
        self.tree = PsTree("")

    def CreateJobObjectW(self, attributes, name):  # noqa: N802
        self.calls.append(("CreateJobObjectW",))
        return 7

    def SetInformationJobObject(self, job, kind, info, size):  # noqa: N802
        limits = info._obj
        self.calls.append(("SetInformationJobObject", kind, limits.basic.flags, limits.job_memory_limit, limits.basic.active_process_limit,
                           limits.basic.per_job_user_time))
        return 1

    def OpenProcess(self, access, inherit, pid):  # noqa: N802
        self.calls.append(("OpenProcess", access, pid))
        return pid

    def AssignProcessToJobObject(self, job, process):  # noqa: N802
        self.calls.append(("AssignProcessToJobObject", job, process))
        self.tree.root = process
        return 1

    def QueryInformationJobObject(self, job, kind, info, size, returned):  # noqa: N802
        if kind == jobobject.BASIC_ACCOUNTING:
            processes, _, cpu = self.tree.sample(2**62)
            info._obj.active_processes, info._obj.total_user_time = processes, int(cpu * jobobject.TICKS)
        else:
            info._obj.peak_job_memory_used = self.tree.memory()
        return 1

    def TerminateJobObject(self, job, code):  # noqa: N802
        self.calls.append(("TerminateJobObject", job))
        self.tree.kill()
        return 1

    def CloseHandle(self, handle):  # noqa: N802
        self.calls.append(("CloseHandle", handle))
        return 1

    def GetLastError(self):  # noqa: N802
        return 0


@pytest.mark.slow
def test_on_windows_each_worker_is_held_by_a_job_object_with_the_jobs_limits(tmp_path: Path, monkeypatch):
    """The Job Object code (real ctypes structures) against a stand-in kernel32 on Linux."""
    from grader.engine import check_exercise
    from grader.isolation.portable import PortablePool, detect

    made: list[StandInKernel32] = []

    def job_tree():
        made.append(StandInKernel32())
        return jobobject.JobTree(made[-1])

    monkeypatch.setattr(spawner, "OS", "win32")
    monkeypatch.setattr(jobobject.JobTree, "for_this_os", staticmethod(job_tree))
    assert {"jobobject", "jobobject_time"} <= set(detect().in_force) and "Windows has no file-system wall" in detect().why_missing("seatbelt")
    learner = tmp_path / "01_tensors.py"
    learner.write_text(SOLUTION_01 + "\nwhile True:\n    pass\n")
    limits = Limits(timeout=3, memory_bytes=3 * 2**30, max_processes=16)
    with PortablePool(1) as pool:
        result = check_exercise(COURSE, COURSE.resolve("01"), learner, pool=pool, limits=limits)
    assert result.status == "error" and result.message.startswith("time limit"), result.message
    assert {"jobobject", "jobobject_time"} <= set(result.isolation)
    calls = made[0].calls
    assert calls[0] == ("CreateJobObjectW",) and calls[1][2] == jobobject.KILL_ON_JOB_CLOSE and calls[1][5] == 0
    flags = jobobject.KILL_ON_JOB_CLOSE | jobobject.JOB_MEMORY | jobobject.ACTIVE_PROCESS | jobobject.JOB_TIME
    assert ("SetInformationJobObject", jobobject.EXTENDED_LIMITS, flags, 3 * 2**30, 17, 4 * jobobject.TICKS) in calls, \
        "the job's CPU-time limit: its timeout and a second's grace, in 100 ns ticks"
    assert [c[0] for c in calls].index("AssignProcessToJobObject") < [c[0] for c in calls].index("TerminateJobObject")
    assert calls[-1][0] == "CloseHandle" and calls[-1][1] == 7


def test_the_job_object_structures_have_windows_layout():
    """JOBOBJECT_EXTENDED_LIMIT_INFORMATION is 144 bytes on 64-bit Windows, 112 on 32-bit; the accounting record 48."""
    assert ctypes.sizeof(jobobject.ExtendedLimits) == (144 if ctypes.sizeof(ctypes.c_void_p) == 8 else 112)
    assert ctypes.sizeof(jobobject.Accounting) == 48


# --- Windows paths ---------------------------------------------------------------------------------

@pytest.mark.parametrize("user", ["Zoë Smith", "Jürgen Müller", "李雷", "o'brien"])
def test_paths_the_portable_backend_builds_hold_for_windows_inputs(user: str):
    course = PureWindowsPath(f"C:\\Users\\{user}\\My Course")
    prefix = guard.folder_prefix(str(course / "reference"), ntpath)
    inside = ntpath.normcase(str(course).upper().replace("\\", "/") + "/Reference/01_tensors/solution.py")
    assert inside.startswith(prefix), "the guard compares Windows paths case-folded, / and \\ alike"
    assert not ntpath.normcase(str(course / "reference_old" / "x.py")).startswith(prefix)
    folder = str(PureWindowsPath(f"C:\\Users\\{user}\\AppData\\Local\\Temp\\{spawner.PREFIX}12-ab"))
    assert spawned.job_file(folder, "03_nn_module.py", ntpath) == folder + "\\03_nn_module.py"
    for bad in ("..\\x.py", "D:x.py", "sub\\x.py", ".."):
        with pytest.raises(ValueError):
            spawned.job_file(folder, bad, ntpath)
    package = PureWindowsPath(f"C:\\Users\\{user}\\AppData\\Roaming\\Python\\site-packages\\grader\\isolation\\spawner.py")
    root = spawner.code_root(package)
    assert root == f"C:\\Users\\{user}\\AppData\\Roaming\\Python\\site-packages"
    assert spawner.python_path(root, "D:\\extra", ";") == root + ";D:\\extra"
    python = f"C:\\Users\\{user}\\AppData\\Local\\Programs\\Python 3.11\\python.exe"
    line = subprocess.list2cmdline([python, "-m", "grader.isolation.spawned"])
    assert line == f'"{python}" -m grader.isolation.spawned'


# --- the learner loop, through the portable backend (validate: test_validate_portable.py) --------

@pytest.mark.slow
def test_the_learner_loop_works_on_the_portable_backend(course_dir: Path, monkeypatch):
    """check (a stub, a known mistake with its hint, a pass),
    list, hint and solution, each `check` a cold one whose worker is spawned beside this process."""
    from conftest import cli, progress

    monkeypatch.setenv(backend.ENV, "portable")
    stub = course_dir / "exercises" / "01_tensors.py"
    first = cli(course_dir, "check", "01", "--json")
    assert first.exit_code == 1 and json.loads(first.output)["isolation"][:1] == ["spawned"]
    from test_cli import composed_source

    stub.write_text(composed_source(ROOT / "reference/01_tensors/mistakes/int_dtype_from_list.py", ROOT / "reference/01_tensors/solution.py"))
    data = json.loads(cli(course_dir, "check", "01", "--json").output)
    assert data["checks"][0]["mistake"] == "int_dtype_from_list" and data["score"] == 5
    stub.write_text(SOLUTION_01)
    assert cli(course_dir, "check", "01").exit_code == 0
    assert progress(course_dir)["01_tensors"]["status"] == "passed"
    assert "Hint 1 of" in cli(course_dir, "hint", "02").output
    assert "def tensor_from_list" in cli(course_dir, "solution", "01").output


@pytest.mark.slow
def test_a_pool_sets_torch_up_in_the_trusted_process_as_its_workers_do():
    """`watch` and `check --all` (a pool of the portable backend) in a process that has not imported torch:
    the reference of 07 (Adam training, whose values depend on the thread count) passes, its outcomes computed
    here with one thread as in the worker (before the pool did so, its values differed beyond the tolerance)."""
    from conftest import python_json

    found = python_json("""
        import json, os
        os.environ["PYTORCH_TUTOR_BACKEND"] = "portable"
        from grader.course import find_course
        from grader.engine import check_exercise
        from grader.isolation.backend import Pool
        course = find_course(".")
        exercise = course.resolve("07")
        with Pool(1) as pool:
            result = check_exercise(course, exercise, exercise.solution, pool=pool)
        print(json.dumps({"status": result.status, "isolation": result.isolation,
                          "failing": [c.message for c in result.checks if not c.passed]}))
    """)
    assert found["status"] == "passed" and found["isolation"][:1] == ["spawned"], found


def test_a_console_that_cannot_encode_utf8_gets_ascii_marks(course_dir: Path):
    """Windows' cp1252 console (PYTHONIOENCODING=cp1252 here): ✓/✗ become OK/X, anything else it cannot
    encode (the learner's own output too) becomes ?, and nothing fails to print."""
    stub = course_dir / "exercises" / "01_tensors.py"
    stub.write_text('print("learner says ✓ 日本 café")\n' + SOLUTION_01.replace("return matrix + bias", "return matrix - bias"))
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "NO_COLOR": "1", "COLUMNS": "200", "PYTHONPATH": str(ROOT)}
    run = lambda *args: subprocess.run([sys.executable, "-m", "cli", "--course", str(course_dir), *args], cwd=ROOT,  # noqa: E731
                                       env=env, capture_output=True, timeout=300)
    checked, listed = run("check", "01"), run("list")
    out = checked.stdout.decode("cp1252")
    assert checked.returncode == 1 and b"Traceback" not in checked.stderr, checked.stderr[-2000:]
    assert "OK tensor_from_list" in out and "X add_row_bias" in out and "X Not passed yet: Tensors" in out, out
    assert "learner says OK ?? café" in out and "✓" not in out
    assert listed.returncode == 0 and "not started" in listed.stdout.decode("cp1252")


def test_device_exercises_take_a_macs_mps_where_it_is_available(monkeypatch):
    """Simulated: MPS is reported available (no Mac here), so only the choice of devices is tested, not a
    run on MPS. Without MPS, as on this machine, the meta device stands in."""
    import torch

    from grader.judging.loader import load_module

    def devices():
        six = load_module(ROOT / "reference/06_device/checks.py", "portable_test_checks_06")
        fourteen = load_module(ROOT / "reference/14_sequences/checks.py", "portable_test_checks_14")
        return six.DEVICES, fourteen.GPU

    assert devices()[1] == torch.device("meta") and torch.device("mps") not in devices()[0]
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    six, fourteen = devices()
    assert torch.device("mps") in six and torch.device("meta") in six and fourteen == torch.device("mps")


def test_grade_accepts_seatbelt_as_a_file_system_wall_and_refuses_windows_without_unsafe(monkeypatch):
    """A Mac with Seatbelt may grade a class; Windows (a Job Object, no file-system wall) may not unless told."""
    from grader.classroom.grading import require_boundary
    from grader.errors import TutorError
    from grader.isolation.layers import Layers

    no_landlock = (("landlock", "the portable backend has no Landlock"),)
    monkeypatch.setattr(backend, "detect", lambda: Layers(("spawned", "seatbelt", "rlimit_cpu"), no_landlock, "/tmp"))
    warnings: list[str] = []
    assert require_boundary(False, warnings) is False and warnings == []
    monkeypatch.setattr(backend, "detect", lambda: Layers(("spawned", "jobobject"), no_landlock, "C:\\Temp"))
    with pytest.raises(TutorError, match="no file-system boundary"):
        require_boundary(False, warnings)
    assert require_boundary(True, warnings) is True and "unsafe" in warnings[0]


def test_on_macos_a_spare_is_used_only_for_a_job_with_the_same_walls(tmp_path: Path, monkeypatch):
    """A spare's Seatbelt profile names its job's forbidden paths: watch's next check (the same file) takes
    the warm spare; a check of a file elsewhere gets a worker spawned for its own walls."""
    from grader.isolation.portable import PortablePool

    monkeypatch.setattr(spawner, "OS", "darwin")
    monkeypatch.setattr(seatbelt, "executable", lambda: None)  # no sandbox-exec: the spares' walls still differ
    spawned_for: list = []
    real = spawner.Worker.__init__
    monkeypatch.setattr(spawner.Worker, "__init__", lambda self, key, preload, hint=None: (spawned_for.append(key), real(self, key, preload, hint))[1])
    checks = str(ROOT / "reference/01_tensors/checks.py")
    here, there = ({"checks": checks, "forbidden": [str(tmp_path / name)]} for name in ("a", "b"))
    with PortablePool(1) as pool:
        assert spawned_for == []  # nothing to warm before the first job says what its walls are
        pool._take(spawner.walls_key(here)).end()
        pool.job_done(spawner.walls_key(here))
        assert len(spawned_for) == 2 and spawned_for[1] == spawned_for[0]  # the job's worker, then its spare
        pool._take(spawner.walls_key(here)).end()
        assert len(spawned_for) == 2  # the warm spare was taken
        pool._take(spawner.walls_key(there)).end()
        assert len(spawned_for) == 3 and spawned_for[2] != spawned_for[0]


@pytest.mark.skipif(sys.platform != "darwin", reason="needs macOS's own sandbox-exec (nothing here ran on a Mac)")
def test_on_a_mac_python_and_torch_start_under_the_profile_and_the_course_stays_shut(tmp_path: Path):
    """Only on a Mac: the profile as macOS compiles and enforces it (the stand-in tests above cannot)."""
    job = tmp_path / "job"
    job.mkdir()
    walls = spawner.seatbelt_walls(str(job), (str(ROOT / "reference"),), str(ROOT / "reference"))
    probe = textwrap.dedent(f"""
        import torch, socket
        print(torch.ones(2).sum().item())
        open({str(job / 'x')!r}, 'w').write('ok')
        for path in ({str(ROOT / 'reference/03_nn_module/solution.py')!r}, {str(Path.home() / '.zshrc')!r}):
            try:
                open(path).read(); print('READ', path)
            except OSError:
                pass
        try:
            socket.create_connection(('1.1.1.1', 53), timeout=2); print('NETWORK')
        except OSError:
            pass
    """)
    argv = seatbelt.command([sys.executable, "-c", probe], walls, seatbelt.TRUSTED_PATH)
    done = subprocess.run(argv, capture_output=True, text=True, cwd=job, env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(job)})
    assert done.returncode == 0 and done.stdout.split() == ["2.0"], (done.stdout, done.stderr)


# --- the time limit: the job's own time, and the OS's CPU-time limits -------------------------------

def test_the_portable_time_limit_counts_the_jobs_own_time_not_the_machines_load():
    """No durations: the clock is given its times, CPU times and load averages."""
    from grader.isolation import spawnwatch

    warm = spawnwatch.OwnTime(100.0, load=lambda: (0.3, 0.3, 0.3), cores=2)
    assert warm(100.0, cpu=3.0) == 0.0 and warm(100.5, cpu=3.2) == pytest.approx(0.5), \
        "the CPU the worker used importing torch, before its job (the first sample), is not the job's"
    busy = spawnwatch.OwnTime(100.0, load=lambda: (8.0, 8.0, 8.0), cores=2)
    assert busy(100.0, cpu=0.0) == 0.0
    assert busy(110.0, cpu=2.5) == pytest.approx(2.5), "8 runnable threads on 2 cores: a quarter of each second it ran is its own"
    assert busy.waited == pytest.approx(7.5)
    assert busy(111.0, cpu=2.5) == pytest.approx(3.5), "then it slept: that counts in full"
    assert busy(111.0, cpu=6.0) == 6.0, "the tree's CPU time, where it is more (threads, child processes)"
    sleeper = spawnwatch.OwnTime(0.0, load=lambda: (90.0, 90.0, 90.0), cores=2)
    assert sleeper(0.0, cpu=0.0) == 0.0 and sleeper(3.0, cpu=0.01) == pytest.approx(3.0, abs=0.5), "a job that sleeps on a busy machine waits for no CPU"
    idle = spawnwatch.OwnTime(0.0, load=lambda: (0.3, 0.3, 0.3), cores=2)
    assert idle(0.0, cpu=0.0) == 0.0 and idle(3.0, cpu=0.0) == 3.0 and idle.waited == 0.0, "on an idle machine a sleeping job's time counts in full"
    windows = spawnwatch.OwnTime(0.0, load=lambda: (8.0, 8.0, 8.0), cores=2)
    windows.load = None  # no load average (Windows): the time since the job started
    assert windows(0.0, cpu=0.0) == 0.0 and windows(3.0, cpu=0.0) == 3.0


def test_ps_cpu_times_are_read_in_both_formats_and_the_os_cpu_limit_is_recognised():
    import signal

    from grader.isolation import ptree

    assert ptree.cpu_time("00:01:02") == 62.0 and ptree.cpu_time("1:02.50") == 62.5 and ptree.cpu_time("2-01:00:00") == 176400.0
    assert ptree.cpu_time("?") == 0.0
    assert ptree.PsTree.out_of_time(-signal.SIGXCPU) and not ptree.PsTree.out_of_time(-signal.SIGKILL)
    assert jobobject.JobTree.out_of_time(jobobject.OUT_OF_TIME) and not jobobject.JobTree.out_of_time(1)


def test_the_spawned_worker_limits_its_own_cpu_time_to_the_jobs_timeout():
    """In a child (the limit cannot be raised again): soft at the CPU time used so far plus the timeout and a
    second's grace, hard one second above."""
    code = ("import math, resource, time; from grader.isolation import rlimits; before = time.process_time();"
            "print(rlimits.apply({'timeout': 3})[0], math.ceil(before + 3) + 1, *resource.getrlimit(resource.RLIMIT_CPU))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    layers, expected, soft, hard = done.stdout.rsplit(" ", 3)
    assert "rlimit_cpu" in layers and int(soft) in (int(expected), int(expected) + 1) and int(hard) == int(soft) + 1, done.stdout


LOOP_01 = SOLUTION_01 + "\ndef spin():\n    while True:\n        pass\n\nspin()\n"


@pytest.mark.slow
def test_a_job_the_keeper_does_not_stop_is_ended_by_the_os_at_its_cpu_limit(tmp_path: Path, monkeypatch):
    """The keeper's CPU-time watch is switched off (it samples the tree once, then never again): RLIMIT_CPU
    ends the loop (SIGXCPU), and the verdict is still a time limit, with the line it was at."""
    from grader.engine import check_exercise
    from grader.isolation import spawnwatch
    from grader.isolation.portable import PortablePool

    monkeypatch.setattr(spawnwatch, "TREE_POLL", 10_000.0)
    learner = tmp_path / "01_tensors.py"
    learner.write_text(LOOP_01)
    with PortablePool(1, spares=False) as pool:
        result = check_exercise(COURSE, COURSE.resolve("01"), learner, pool=pool, limits=Limits(timeout=2, memory_bytes=3 * 2**30))
    assert result.status == "error" and result.message.startswith("time limit") and "in spin" in result.message, result.message
    assert "rlimit_cpu" in result.isolation


@pytest.mark.slow
def test_a_job_on_a_machine_too_busy_is_not_graded(tmp_path: Path, monkeypatch):
    """A load average far above the cores (patched) leaves the sleeping job almost no own time; the wall-clock
    backstop (patched down to a second) ends it, and it is not graded, as on Linux."""
    from grader.engine import check_exercise
    from grader.isolation import spawnwatch
    from grader.isolation.portable import PortablePool

    monkeypatch.setattr(os, "getloadavg", lambda: (1e6, 1e6, 1e6))
    monkeypatch.setattr(spawnwatch, "wall_limit", lambda timeout: 1.0)
    learner = tmp_path / "01_tensors.py"
    learner.write_text(SOLUTION_01 + "\nimport time\ntime.sleep(600)\n")
    with PortablePool(1, spares=False) as pool:
        result = check_exercise(COURSE, COURSE.resolve("01"), learner, pool=pool, limits=Limits(timeout=30, memory_bytes=3 * 2**30))
    assert result.status == "error" and "busy" in result.message, result.message


@pytest.mark.slow
def test_a_prestarted_worker_serves_the_cold_check_and_is_told_its_preload_late(tmp_path: Path, monkeypatch):
    """`prestart` spawns the worker before the exercise (and so its course.toml `preload`) is known; the pool
    that takes it sends the preload, which is imported before the worker says it is ready."""
    from grader.engine import check_exercise
    from grader.isolation import portable

    monkeypatch.setattr(portable, "_PRESTARTED", [])
    portable.prestart()
    early = portable._PRESTARTED[0]
    learner = tmp_path / "01_tensors.py"
    learner.write_text(SOLUTION_01 + '\nimport sys\nprint("PRELOADED", "tabnanny" in sys.modules)\n')
    with portable.PortablePool(1, ("tabnanny",), spares=False) as pool:
        assert not portable._PRESTARTED and pool.spares == [early]
        result = check_exercise(COURSE, COURSE.resolve("01"), learner, pool=pool)
    assert result.status == "passed" and "PRELOADED True" in result.output, (result.status, result.output)
    assert early.popen.poll() is not None, "the check ran in the pre-started worker, which has ended"
    assert not Path(early.folder).exists()


def test_an_unused_prestarted_worker_ends_with_its_keeper(monkeypatch):
    from grader.isolation import portable

    monkeypatch.setattr(portable, "_PRESTARTED", [])
    portable.prestart()
    early = portable._PRESTARTED[0]
    portable._end_prestarted()  # what atexit runs
    assert early.popen.poll() is not None and not Path(early.folder).exists() and not portable._PRESTARTED


@pytest.mark.slow
def test_a_spare_loads_the_last_jobs_checks_ahead_and_any_exercise_still_works_in_it(tmp_path: Path):
    """watch checks one exercise again and again: the spare spawned after a job loads that exercise's checks
    while it waits. A job of another exercise in that spare loads its own."""
    from grader.engine import check_exercise
    from grader.isolation.portable import PortablePool

    first, other = tmp_path / "01_tensors.py", tmp_path / "03_nn_module.py"
    first.write_text(SOLUTION_01)
    other.write_text(SOLUTION_03)
    with PortablePool(1) as pool:
        assert check_exercise(COURSE, COURSE.resolve("01"), first, pool=pool).status == "passed"
        hinted = pool.spares[0]
        assert hinted.hint == {"exercise": COURSE.resolve("01").id, "checks": str(COURSE.resolve("01").checks)}
        assert check_exercise(COURSE, COURSE.resolve("01"), first, pool=pool).status == "passed"
        assert hinted.popen.poll() is not None, "the second check ran in the hinted spare"
        assert check_exercise(COURSE, COURSE.resolve("03"), other, pool=pool).status == "passed", "a hint that does not fit"


@pytest.mark.slow
def test_a_spare_that_loaded_checks_ahead_loads_them_again_once_their_file_was_edited(tmp_path: Path):
    """An instructor edits an exercise's checks while `watch` runs: the next check runs the edited checks
    (their module writes to fd 1 at import: what the worker printed is in the output), not those the spare loaded."""
    from grader.course import find_course
    from grader.engine import check_exercise
    from grader.isolation.portable import PortablePool

    course = find_course(copy_course(tmp_path / "course"))
    learner, checks = tmp_path / "01_tensors.py", course.root / "reference/01_tensors/checks.py"
    learner.write_text(SOLUTION_01)
    with PortablePool(1) as pool:
        assert check_exercise(course, course.resolve("01"), learner, pool=pool).passed
        assert pool.spares[0].wait_ready()  # its checks are loaded: the edit comes after
        checks.write_text(checks.read_text() + "\nimport os\nos.write(1, b'checks, as edited\\n')\n")
        edited = check_exercise(course, course.resolve("01"), learner, pool=pool)
    assert edited.passed and "checks, as edited" in edited.output, edited.output


@pytest.mark.slow
def test_a_worker_that_ran_its_job_and_exited_before_its_keeper_looked_is_still_graded(tmp_path: Path, monkeypatch):
    """A cold check hands its job over before the worker is warm; on a busy machine the worker may say
    `ready`, run the job and exit before the keeper's thread wakes up. Simulated: that thread waits for the
    worker's exit before it looks."""
    from grader.engine import check_exercise
    from grader.isolation.portable import PortablePool

    real = spawner.Worker.wait_ready

    def late(self, timeout=spawner.READY_WAIT):
        self.popen.wait(300)
        return real(self, timeout)

    monkeypatch.setattr(spawner.Worker, "wait_ready", late)
    learner = tmp_path / "01_tensors.py"
    learner.write_text(SOLUTION_01)
    with PortablePool(1, spares=False) as pool:
        result = check_exercise(COURSE, COURSE.resolve("01"), learner, pool=pool)
    assert result.status == "passed", (result.status, result.message)
