"""Can a student's process find another student's source in its own memory during `grade`? Each job's
processes are forked from a keeper, whose freed heap still holds the requests it was sent (every learner's
source travels in one): a keeper that served several students let later ones find earlier ones' sources
(3 of 5 in one run). Keepers now serve one student each (`grader.isolation.pool.Pool.tenant`).

    python scripts/residue_probe.py [--students 6]

Grades a class with `pytorch-tutor grade`: the first student submits the reference of 01 with a marker
comment on top, every other one the reference with code on top that scans its own writable memory
(/proc/self/maps, ctypes) for that comment and raises, quoting it, where it finds it (`tests/hostile.py`:
CLASSMATE_MARKER, SCAN_OWN_MEMORY). Prints how many later students found it: 0 means no residue reached them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import hostile  # noqa: E402  (the marker and the scan: tests/test_adversarial.py grades the same)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=6)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(options.students):
            folder = Path(tmp) / "hw" / f"student{n:03d}"
            folder.mkdir(parents=True)
            first = hostile.CLASSMATE_MARKER + "\n" if n == 0 else hostile.SCAN_OWN_MEMORY
            (folder / "01_tensors.py").write_text(first + hostile.REFERENCE_TEXT, encoding="utf-8")
        env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-m", "cli", "--course", str(ROOT), "grade", str(Path(tmp) / "hw"),
                               "-e", "01"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        if done.returncode not in (0, 1):
            sys.exit(done.stdout[-2000:] + done.stderr[-2000:])
        book = Path(tmp) / "hw-gradebook" / "students"
        found = sorted(p.name for p in book.iterdir() if hostile.CLASSMATE_FOUND in "".join(
            f.read_text(encoding="utf-8", errors="replace") for f in p.rglob("*") if f.is_file()))
    print(f"{len(found)} of {options.students - 1} later students found the first one's source in their memory"
          + (f": {', '.join(found)}" if found else ""))


if __name__ == "__main__":
    main()
