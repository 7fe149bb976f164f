"""Can a student's process find another student's source in its own memory during `grade`? Each job's
processes are forked from a keeper, whose freed heap still holds the requests it was sent (every learner's
source travels in one): a keeper that served several students let later ones find earlier ones' sources
(3 of 5 in one run). Keepers now serve one student each (`grader.isolation.pool.Pool.tenant`).

    python scripts/residue_probe.py [--students 6]

Grades a class with `pytorch-tutor grade`: the first student submits the reference of 01 with a marker
comment on top, every other one the reference with code on top that scans its own writable memory
(/proc/self/maps, ctypes) for that comment and raises, quoting it, where it finds it. Prints how many
later students found it: 0 means no residue reached them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = "# PROBE" + "_FIRST_STUDENTS_SOURCE"  # split: this file's own text is not the marker
SCAN = '''import ctypes
def _scan(needle=b"PROBE" + b"_FIRST_STUDENTS_SOURCE"):
    for line in open("/proc/self/maps").read().splitlines():
        span, perms = line.split()[:2]
        lo, hi = (int(x, 16) for x in span.split("-"))
        if not perms.startswith("rw") or hi - lo > 512 * 2**20:
            continue
        try:
            data = ctypes.string_at(lo, hi - lo)
        except Exception:
            continue
        at = data.find(needle)
        while at >= 0:
            if data[at - 2:at] == b"# ":  # the marker comment itself, not the needle this code made
                raise RuntimeError("RESIDUE FOUND: " + data[at - 2:at + 40].decode(errors="replace"))
            at = data.find(needle, at + 1)
_scan()
'''


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=6)
    options = parser.parse_args()
    reference = (ROOT / "reference" / "01_tensors" / "solution.py").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(options.students):
            folder = Path(tmp) / "hw" / f"student{n:03d}"
            folder.mkdir(parents=True)
            (folder / "01_tensors.py").write_text((MARKER + "\n" if n == 0 else SCAN) + reference, encoding="utf-8")
        env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-m", "cli", "--course", str(ROOT), "grade", str(Path(tmp) / "hw"),
                               "-e", "01"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        if done.returncode not in (0, 1):
            sys.exit(done.stdout[-2000:] + done.stderr[-2000:])
        book = Path(tmp) / "hw-gradebook" / "students"
        found = sorted(p.name for p in book.iterdir() if "RESIDUE FOUND" in "".join(
            f.read_text(encoding="utf-8", errors="replace") for f in p.rglob("*") if f.is_file()))
    print(f"{len(found)} of {options.students - 1} later students found the first one's source in their memory"
          + (f": {', '.join(found)}" if found else ""))


if __name__ == "__main__":
    main()
