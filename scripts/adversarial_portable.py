"""The adversarial suite (tests/test_adversarial.py, warm-pool cases) on the portable backend: how many
hostile submissions are contained, and which are skipped because the portable backend on Linux does not
claim to contain their class of attack (no file-system wall, no namespaces: see README, Platforms).

    python scripts/adversarial_portable.py            # every case, through spawned workers
    python scripts/adversarial_portable.py -k fork    # some of them

Runs pytest with PYTORCH_TUTOR_BACKEND=portable and counts its outcomes per case.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    extra = sys.argv[1:]
    env = {**os.environ, "PYTORCH_TUTOR_BACKEND": "portable", "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "pytest", "-q", "-rfs", "-p", "no:cacheprovider", "tests/test_adversarial.py",
            "-k", "warm_pool", *extra]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    print("\n".join(line for line in done.stdout.splitlines() if line.startswith(("FAILED", "SKIPPED", "E   ")))[-8000:])
    print(done.stdout.splitlines()[-1] if done.stdout else done.stderr[-2000:])
    passed = re.search(r"(\d+) passed", done.stdout)
    skipped = re.search(r"(\d+) skipped", done.stdout)
    failed = re.search(r"(\d+) failed", done.stdout)
    print(f"portable backend: {passed[1] if passed else 0} contained, {failed[1] if failed else 0} not contained, "
          f"{skipped[1] if skipped else 0} not claimed here (skipped with the missing layer)")


if __name__ == "__main__":
    main()
