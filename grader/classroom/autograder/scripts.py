"""The zip's shell scripts: setup.sh (install, once per image) and run_autograder (once per submission),
and for PrairieLearn a Dockerfile. Every version is pinned to the one that built the zip.
"""

from __future__ import annotations

import shlex

from grader.classroom.autograder import report
from grader.classroom.autograder.config import INSTALL_DIR, LAYOUTS, PYTHON_ENV, SOURCE_ENV, Config
from grader.isolation.identity import LEARNER_USER

TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
LEARNER, LEARNER_ID = "pytorch-tutor-learner", 61999  # setup.sh's account for learner code (uid = gid)

SETUP = r"""#!/usr/bin/env bash
# Made by pytorch-tutor {version} for {service}: installs Python 3.11 or later, torch=={torch} (CPU) and
# pytorch-tutor {version} (the wheel beside this script) into {venv}, then makes the course material
# readable by root only, and creates the unprivileged account {learner} that learner code runs as.
# PYTORCH_TUTOR_INSTALL_DIR and PYTORCH_TUTOR_TORCH_INDEX move the installation and torch's index (for a test).
set -euo pipefail
HERE="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)"
VENV="${{PYTORCH_TUTOR_INSTALL_DIR:-{install}}}/venv"
TORCH_VERSION={torch}
TORCH_INDEX="${{PYTORCH_TUTOR_TORCH_INDEX:-{index}}}"
WHEEL="$HERE/{wheel}"

find_python() {{
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}}

PYTHON="$(find_python || true)"
if [ -z "$PYTHON" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends python3 python3-venv python3-pip ca-certificates
  PYTHON="$(find_python || true)"
fi
if [ -z "$PYTHON" ]; then  # an older Ubuntu (22.04: Python 3.10) has 3.11 as a package of its own
  apt-get install -y --no-install-recommends python3.11 python3.11-venv
  PYTHON="$(find_python)"
fi

"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --no-cache-dir --upgrade pip
"$VENV/bin/python" -m pip install --no-cache-dir "torch==$TORCH_VERSION" --index-url "$TORCH_INDEX"
"$VENV/bin/python" -m pip install --no-cache-dir "$WHEEL"
"$VENV/bin/python" - <<'CHECK'
import importlib.metadata as m
assert m.version("torch").split("+")[0] == "{torch}", m.version("torch")
assert m.version("pytorch-tutor") == "{version}", m.version("pytorch-tutor")
CHECK
chmod 755 "$VENV" "$(dirname "$VENV")"
SHIPPED="$("$VENV/bin/python" -c 'import os, reference; print(os.path.dirname(reference.__file__))')"
chmod -R go-rwx "$HERE" "$SHIPPED"
# The unprivileged account learner code runs as (run_autograder names it; uid = gid, no home, no login).
if ! id -u {learner} >/dev/null 2>&1; then
  groupadd --system --gid {learner_id} {learner} 2>/dev/null || groupadd --system {learner}
  useradd --system --uid {learner_id} --gid {learner} --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin {learner} 2>/dev/null || useradd --system --gid {learner} -M -s /usr/sbin/nologin {learner}
fi
echo "pytorch-tutor {version} with torch {torch} is installed in $VENV"
"""

RUN = r"""#!/usr/bin/env bash
# Made by pytorch-tutor {version} for {service}: grades $ROOT/{inbox} into $ROOT/results/results.json.
# Moved by the environment: {root_env} (default {root}), {source_env} (the zip's files),
# {python_env} (the Python to grade with; default the one setup.sh installed).
set -u
ROOT="${{{root_env}:-{root}}}"
export {source_env}="${{{source_env}:-{source}}}"
PYTHON="${{{python_env}:-{venv}/bin/python}}"
export {learner_env}="${{{learner_env}:-{learner}}}"  # the account setup.sh made; a fresh uid where there is none
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
cd /
timeout --kill-after=10 {backstop} "$PYTHON" -P -m grader.classroom.autograder.runner --format {format}
status=$?
if [ ! -s "$RESULTS" ]; then  # the runner could not even start: still a valid results file
  echo "the grader ended with status $status before writing $RESULTS" >&2
  cat > "$RESULTS" <<'PYTORCH_TUTOR_RESULTS'
{fallback}PYTORCH_TUTOR_RESULTS
fi
exit 0
"""

DOCKERFILE = """# PrairieLearn external grader image for pytorch-tutor {version} (torch {torch}, CPU).
# docker build -t YOUR_ORG/pytorch-tutor-grader .   (then name it in externalGradingOptions.image)
FROM ubuntu:24.04
COPY . {source}
RUN bash {source}/setup.sh
"""

FALLBACK = "The autograder could not start (its Python did not run). Tell your instructor."


def setup_sh(config: Config) -> str:
    return SETUP.format(**_names(config))


def run_autograder(config: Config) -> str:
    layout = LAYOUTS[config.format]
    names = _names(config)
    fallback = report.encode(report.results(config.format, config, report.Run(message=FALLBACK, gradable=False)))
    return RUN.format(**names, inbox=layout.inbox, root_env=layout.root_env, root=layout.root,
                      source_env=SOURCE_ENV, source=layout.source or "$ROOT/source", python_env=PYTHON_ENV,
                      backstop=int(config.deadline) + 30, format=config.format, fallback=fallback.decode())


def dockerfile(config: Config) -> str:
    return DOCKERFILE.format(**_names(config), source=LAYOUTS[config.format].source)


def _names(config: Config) -> dict:
    service = {"gradescope": "Gradescope", "prairielearn": "PrairieLearn"}[config.format]
    return {"version": config.package_version, "torch": config.torch_version, "wheel": config.wheel,
            "venv": shlex.quote(f"{INSTALL_DIR}/venv"), "install": shlex.quote(INSTALL_DIR), "index": TORCH_INDEX, "service": service,
            "learner": LEARNER, "learner_id": LEARNER_ID, "learner_env": LEARNER_USER}
