"""Rewrite the README's course table from reference/course.toml and the stubs.

    python scripts/course_table.py          # update README.md in place
    python scripts/course_table.py --check  # exit 1 if README.md is out of date
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.authoring.readme import with_table  # noqa: E402
from grader.course import find_course  # noqa: E402


def main() -> int:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    fresh = with_table(text, find_course(ROOT))
    if "--check" in sys.argv:
        return 0 if fresh == text else 1
    readme.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
