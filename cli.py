"""pytorch-tutor's command line: parse arguments, call the engine, render results.

Heavy modules (torch) are imported only by the commands that grade.
"""

from __future__ import annotations

if __name__ == "__main__":  # before typer, and before anything else: a warm grading server may answer `check` at once
    from grader import interrupts
    from grader.service.handover import grade_here, hand_over, prestart
    import sys

    interrupts.install()
    hand_over(sys.argv[1:])
    prestart(sys.argv[1:])
    grade_here(sys.argv[1:])  # a single cold check: without typer

import json
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperGroup

from grader import interrupts
from grader.errors import TutorError
from grader.results import exit_status


class _Group(TyperGroup):
    """The one place where a TutorError becomes a clear message and an exit code (Ctrl-C: 130)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except TutorError as exc:
            from grader.frontends.render import make_console, show_error

            show_error(make_console(stderr=True), exc.message, exc.hint)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:  # the engine has already ended the learner's processes
            ctx.exit(130)


app = typer.Typer(
    cls=_Group,
    name="pytorch-tutor",
    help="Learn PyTorch by doing: edit an exercise, then `pytorch-tutor check NN`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
COMMAND = "pytorch-tutor"
_state: dict = {"course": None}


@app.callback()
def main(
    course: Optional[Path] = typer.Option(
        None, "--course", envvar="PYTORCH_TUTOR_COURSE", help="Course folder (default: found by walking up from here)."
    ),
) -> None:
    _state["course"] = course
    from grader.frontends.render import degrade_streams

    degrade_streams()


def _course():
    from grader.course import find_course

    return find_course(_state["course"])


def _console():
    from grader.frontends.render import make_console

    return make_console()


@app.command()
def check(
    exercise: Optional[str] = typer.Argument(None, help="Exercise: 3, 03, nn_module or 03_nn_module."),
    file: Optional[Path] = typer.Option(None, "--file", "-f", help="Grade this file instead of the exercise's stub."),
    all_: bool = typer.Option(False, "--all", help="Check every exercise, in one table."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    fmt: str = typer.Option("text", "--format", help="text, json, or diagnostics (FILE:LINE:COL: error: ... lines for editors)."),
    no_server: bool = typer.Option(False, "--no-server", help="Grade in this process, without the warm grading server."),
) -> None:
    """Grade your solution to one exercise (or --all of them)."""
    from grader.frontends.checkone import check_one

    as_json, diagnostics = _format(fmt, as_json)
    course = _course()
    if all_ or exercise is None:
        if not all_:
            raise TutorError("Name an exercise to check, or use --all.", hint=f"For example: {COMMAND} check 01")
        from grader.progress import Progress

        _check_all(course, Progress(course.state_dir), as_json, diagnostics)
    raise typer.Exit(check_one(course, exercise, file, as_json, diagnostics, COMMAND, typer.echo))


def _format(fmt: str, as_json: bool) -> tuple[bool, bool]:
    """(JSON?, diagnostics?) from --format and --json."""
    if fmt not in ("text", "json", "diagnostics"):
        raise TutorError(f"There is no output format {fmt!r}.", hint="Choose one of: text, json, diagnostics.")
    return as_json or fmt == "json", fmt == "diagnostics"


def _check_all(course, progress, as_json: bool, diagnostics: bool = False) -> None:
    from grader.frontends.batch import check_all

    results = check_all(course, progress)
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in results], indent=2))
    elif diagnostics:
        from grader.frontends.diagnostics import diagnostic_lines

        for line in (line for r in results for line in diagnostic_lines(r)):
            typer.echo(line)
    else:
        from grader.frontends.tables import show_all_results

        console = _console()
        _warn(console, progress)
        show_all_results(console, results, COMMAND)
    raise typer.Exit(exit_status(results))


@app.command()
def watch(
    exercise: Optional[str] = typer.Argument(None, help="Exercise to start on (default: the earliest not yet passed)."),
    poll: bool = typer.Option(False, "--poll", help="Poll for changes (for network file systems)."),
    no_server: bool = typer.Option(False, "--no-server", help="Grade in this process, without the warm grading server."),
) -> None:
    """Re-check the exercise you are working on every time you save it."""
    from grader.frontends.watch import Watch
    from grader.service.client import disabled
    from grader.service.remote import CourseServer

    course = _course()
    start = course.resolve(exercise) if exercise else None
    server = None if no_server or disabled() else CourseServer(course.root)
    Watch(course, _console(), COMMAND, poll=poll, start=start, server=server).run()


@app.command("list")
def list_exercises(as_json: bool = typer.Option(False, "--json", help="Print the list as JSON.")) -> None:
    """Show every exercise and your progress."""
    from grader.progress import PASSED, Progress
    from grader.frontends.workspace import list_rows

    course = _course()
    progress = Progress(course.state_dir)
    rows = list_rows(course, progress)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from grader.frontends.tables import show_list

    console = _console()
    _warn(console, progress)
    show_list(console, rows, sum(r["status"] == PASSED for r in rows), len(rows))


@app.command()
def hint(
    exercise: str = typer.Argument(..., help="Exercise: 3, 03, nn_module or 03_nn_module."),
    function: Optional[str] = typer.Argument(None, help="The function to get a hint for (default: the one your last check failed on)."),
    no_server: bool = typer.Option(False, "--no-server", help="Answer in this process, without the warm grading server."),
) -> None:
    """Show the next hint for an exercise's function (each call goes one step further)."""
    from grader.frontends.hints import show_hint

    show_hint(_console(), _course(), exercise, function, COMMAND)


@app.command()
def reset(
    exercise: str = typer.Argument(..., help="Exercise to restore to its untouched stub."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Restore an exercise's stub; your version is saved to a backup first."""
    from grader.frontends.workspace import reset_exercise

    course = _course()
    ex = course.resolve(exercise)
    if not yes and not typer.confirm(f"Restore {ex.stub} to the untouched stub? (a backup is kept)"):
        raise typer.Exit(1)
    backup = reset_exercise(course, ex)
    typer.echo(f"Restored {ex.stub}." + (f" Your version was saved to {backup}." if backup else ""))


@app.command()
def solution(
    exercise: str = typer.Argument(..., help="Exercise whose reference solution to show."),
    force: bool = typer.Option(False, "--force", help="Show it even if you have not passed yet."),
) -> None:
    """Show the reference solution, once you have passed the exercise."""
    from grader.progress import Progress
    from grader.frontends.render import show_code
    from grader.frontends.workspace import solution_allowed

    course = _course()
    ex = course.resolve(exercise)
    if not solution_allowed(Progress(course.state_dir), ex, force):
        raise TutorError(
            f"Pass {ex.id} first to see its reference solution.",
            hint=f"Try `{COMMAND} hint {ex.number:02d}`, or use --force if you really want to see it now.",
            exit_code=1,
        )
    show_code(_console(), ex.solution)


@app.command()
def init(directory: Path = typer.Argument(Path("pytorch-course"), help="Folder to create.")) -> None:
    """Create a course folder with fresh exercise stubs (for installs without a clone)."""
    from grader.frontends.workspace import init_course

    target = init_course(directory)
    typer.echo(f"Created {target}. Start with: cd {target} && {COMMAND} check 01")


@app.command()
def validate(
    exercises: Optional[list[str]] = typer.Argument(None, help="Exercises to validate, e.g. 08 09 (default: every exercise)."),
    quick: bool = typer.Option(False, "--quick", help="Skip grading the reference along the cold, grade and notebook paths."),
) -> None:
    """For course authors: prove exercises sound (reference passes along every path, stub fails, mistakes get their hints)."""
    from grader.authoring.paths import names
    from grader.authoring.validate import unsound, validate_exercises
    from grader.frontends.tables import show_paths, show_validation
    from grader.isolation.backend import Pool

    course = _course()
    chosen = [course.resolve(e) for e in exercises] if exercises else list(course.exercises)
    console = _console()
    with Pool(min(2, len(chosen))) as pool:
        found = validate_exercises(course, chosen, pool, every_path=not quick)
    for ex in chosen:
        show_validation(console, ex, found[ex.id])
    show_paths(console, names(every_path=not quick))
    raise typer.Exit(1 if any(unsound(problems) for problems in found.values()) else 0)


@app.command()
def new(
    exercise_id: str = typer.Argument(..., help="Id of the new exercise, e.g. 08_losses."),
    title: str = typer.Option(..., "--title", help="Title shown in `list`."),
    topic: str = typer.Option("", "--topic", help="One line: what the exercise teaches."),
) -> None:
    """For course authors: scaffold a new exercise (stub, reference, checks, course.toml entry)."""
    from grader.authoring.scaffold import new_exercise

    course = _course()
    for path in new_exercise(course, exercise_id, title, topic):
        typer.echo(f"wrote {path}")
    typer.echo(f"Edit them, then run `{COMMAND} validate {exercise_id}`.")


@app.command()
def grade(
    submissions: Path = typer.Argument(
        ..., help="Folder of submissions: a folder per student (alice/01_tensors.py) or files like alice__01_tensors.py."
    ),
    out: Optional[Path] = typer.Option(
        None, "--out", "-o", help="Gradebook folder. Default: beside the submissions, named after them (hw1/ -> hw1-gradebook/)."
    ),
    exercises: Optional[str] = typer.Option(
        None, "--exercises", "-e",
        help="Grade only these exercises, comma-separated (e.g. 01,02,03). Default: all, and one not handed in scores 0.",
    ),
    timeout: Optional[float] = typer.Option(
        None, "--timeout", min=0.1, help="Seconds each submission may run. Default: each exercise's own limit."
    ),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Submissions graded at once. Default: one per core."),
    force: bool = typer.Option(False, "--force", help="Grade every submission again, even unchanged ones."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    unsafe: bool = typer.Option(False, "--unsafe-no-sandbox", help="Grade even where learner code has no file-system boundary (the gradebook says so)."),
    on_ray: bool = typer.Option(False, "--ray", help="Grade on a Ray cluster, a task per student: $RAY_ADDRESS, or a new local one. Needs ray (the ray extra of pytorch-tutor)."),
    ray_address: Optional[str] = typer.Option(None, "--ray-address", help="The Ray cluster to grade on (implies --ray), e.g. ray://head:10001 or auto."),
    ray_memory: float = typer.Option(1.5, "--ray-memory", min=0.1, help="GiB of memory each Ray task declares."),
    ray_deadline: Optional[float] = typer.Option(None, "--ray-deadline", min=1, help="Seconds a Ray task may run before it is stopped. Default: from its files' time limits."),
    similarity: Optional[bool] = typer.Option(None, "--similarity/--no-similarity", help="Compare each exercise's submissions for copying (OUT/similarity.html and .csv). Default: on for 3 students or more."),
) -> None:
    """For instructors: grade a whole class into a gradebook.

    Writes OUT/grades.csv (a row per student: a score per exercise, the total, the points possible,
    and each exercise's status, so zeros for different reasons read differently), OUT/grades.json
    (every check of every exercise of every student, with the line of each error) and
    OUT/students/STUDENT/results.json (Gradescope's format). Each file is read once, when the run
    starts, and that copy is graded; symbolic links are never followed. An exercise not handed in
    scores 0 ("not submitted"; -e grades only the exercises named); a file with an error (syntax
    error, crash, a symbolic link, not UTF-8: status "error") or stopped by a limit (status "time
    limit", "memory limit", "process limit") scores 0 with the reason recorded.
    The gradebook is built beside OUT and replaces it at the end, so an interrupted run leaves the
    previous one intact. Unchanged submissions are taken from OUT/.cache.json unless --force.
    With --ray, the same gradebook is graded on a Ray cluster. Exit status 0 once the run is
    complete, whatever the scores; 2 for usage errors.
    """
    from grader.classroom import attempts, bookfiles, grading, plan, simreport
    from grader.classroom.summary import summary
    from grader.frontends.render import make_console
    from grader.frontends.tables import grade_progress, show_grade_summary

    runner = _ray_runner(ray_address, ray_memory, ray_deadline, jobs, unsafe) if on_ray or ray_address else None
    course = _course()
    found = plan.plan(course, submissions, out, exercises)
    with grade_progress(make_console(stderr=True), len(found.submissions)) as advance:
        run = grading.grade_class(course, found, timeout=timeout, force=force, jobs=jobs, on_result=advance,
                                  unsafe=unsafe, runner=runner)
    files, similar = simreport.report(found, similarity)
    history_files, paths = attempts.report(found)
    bookfiles.write_gradebook(found.out, course, found.exercises, run.book, run.cache_text, run.unsafe,
                              extra={**files, **history_files})
    result = summary(found, run)
    result.update({k: v for k, v in (("similarity", similar), ("history", paths)) if v is not None})
    if as_json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        show_grade_summary(_console(), result)


@app.command()
def mine(
    gradebook: Path = typer.Argument(..., help="A gradebook folder written by `grade` (hw1-gradebook/)."),
    exercises: str = typer.Option(..., "--exercises", "-e", help="The exercises to mine, comma-separated (e.g. 09)."),
    submissions: Optional[Path] = typer.Option(None, "--submissions", "-s", help="The class's submissions. Default: the folder the gradebook is named after (hw1/)."),
    least: int = typer.Option(2, "--min-students", min=2, help="The fewest students a group needs for a draft."),
    as_json: bool = typer.Option(False, "--json", help="Print the groups as JSON."),
) -> None:
    """For instructors: draft new known mistakes from the failing submissions that matched none.

    Groups them by how they fail (the same checks, result keys and wrong values), and for each
    group writes reference/ID/mistakes/draft_*.py: the smallest submission of the group, with
    HINT = "TODO" and the group's students. Read it, write the hint, rename it, then `validate`
    (which refuses a draft still saying TODO; the grader never runs one)."""
    from grader.classroom.mining import mine as mine_class, submissions_of

    course = _course()
    found = mine_class(course, gradebook, submissions_of(gradebook, submissions),
                       [e for e in exercises.split(",") if e.strip()], least)
    if as_json:
        typer.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    for group in found:
        state = "wrote" if group["written"] else ("kept the existing" if group["draft"] else "no readable file for")
        typer.echo(f"{group['exercise']}: {len(group['students'])} students ({', '.join(group['students'])}) fail "
                   f"{'; '.join(group['failing'])}\n  {state} {group['draft'] or 'a draft'}")
    typer.echo(f"{len(found)} group(s) of failing submissions that match no known mistake.")


def _ray_runner(address: Optional[str], memory_gib: float, deadline: Optional[float], jobs: Optional[int], unsafe: bool):
    from grader.classroom.onray import RayOptions, runner

    if jobs is not None:
        raise TutorError("--jobs does not apply with --ray: each task grades one student on one CPU.")
    return runner(RayOptions(address, int(memory_gib * 2**30), deadline), unsafe)


@app.command()
def autograder(
    service: str = typer.Argument(..., help="gradescope or prairielearn."),
    exercises: Optional[str] = typer.Option(
        None, "--exercises", "-e", help="The exercises to grade, comma-separated (e.g. 01,03). Default: all."
    ),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="The zip to write. Default: autograder-SERVICE.zip here."),
    after_due_date: Optional[list[str]] = typer.Option(
        None, "--after-due-date", help="Show this exercise's checks (03) or one check (03:count_parameters) only after the due date (Gradescope); repeatable."
    ),
    hidden: Optional[list[str]] = typer.Option(None, "--hidden", help="Never show this exercise (or EXERCISE:CHECK) to students (Gradescope); repeatable."),
    show_stdout: bool = typer.Option(False, "--show-stdout", help="Show students what their code printed (hidden by default)."),
    deadline: float = typer.Option(540.0, "--deadline", min=5, help="Seconds for the whole submission; then partial results are written. Keep it under the service's limit (Gradescope: 10 min by default)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=0.1, help="Seconds each exercise may run. Default: each exercise's own limit."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Exercises graded at once in the container (each holds a warm worker)."),
    memory: int = typer.Option(320, "--memory", min=64, help="MiB each exercise's learner processes may use (Gradescope's container has 768 MB in all)."),
    unsafe: bool = typer.Option(False, "--unsafe-no-sandbox", help="Grade even in a container that gives learner code no file-system boundary (the results say so)."),
) -> None:
    """For instructors: a Gradescope (or PrairieLearn) autograder zip that grades with this course and version.

    The zip holds setup.sh (installs Python, this torch and this pytorch-tutor, pinned), run_autograder
    (grades the upload behind the OS boundary and always writes a valid results.json) and the course
    material of the exercises chosen. Upload it as a Gradescope autograder; for PrairieLearn, build
    the image from its Dockerfile.
    """
    from grader.classroom.autograder.build import build
    from grader.classroom.autograder.config import FORMATS, parse_visibility
    from grader.classroom.plan import select

    if service not in FORMATS:
        raise TutorError(f"There is no autograder for {service!r}.", hint="Choose one of: " + ", ".join(FORMATS))
    course = _course()
    visibility = parse_visibility({"after_due_date": after_due_date or [], "hidden": hidden or []}, course)
    path, config = build(course, select(course, exercises), out or Path(f"autograder-{service}.zip"), service,
                         visibility=visibility, show_stdout=show_stdout, deadline=deadline, timeout=timeout,
                         jobs=jobs, memory_mb=memory, unsafe=unsafe)
    typer.echo(f"wrote {path}: a {service} autograder for {', '.join(config.exercises)} "
               f"(pytorch-tutor {config.package_version}, torch {config.torch_version})")


@app.command()
def notebook(
    exercise: Optional[str] = typer.Argument(None, help="Exercise: 3, 03, nn_module or 03_nn_module."),
    all_: bool = typer.Option(False, "--all", help="Write a notebook for every exercise."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder for the notebooks. Default: notebooks/ in the course folder."),
    force: bool = typer.Option(False, "--force", help="Replace notebooks that exist (they may hold your work)."),
) -> None:
    """Write an exercise as a Jupyter notebook (or --all of them); its last cell checks your work."""
    from grader.notebooks.export import export_notebook, how_to_open

    course = _course()
    if not all_ and exercise is None:
        raise TutorError("Name an exercise to write as a notebook, or use --all.", hint=f"For example: {COMMAND} notebook 01")
    folder = out or course.root / "notebooks"
    for ex in course.exercises if all_ else [course.resolve(exercise)]:
        target = folder / f"{ex.id}.ipynb"
        if all_ and target.exists() and not force:
            typer.echo(f"kept {target}: it exists and may hold your work (--force replaces it)")
            continue
        typer.echo(f"wrote {export_notebook(ex, target, force)}")
    typer.echo(f"Open {'them' if all_ else 'it'}: {how_to_open(folder)}. The last cell checks your work.")


@app.command()
def server(
    action: str = typer.Argument("status", help="run (in this terminal), status or stop."),
    idle: Optional[float] = typer.Option(None, "--idle", min=1, help="Seconds without a request before it ends (default 900, or $PYTORCH_TUTOR_SERVER_IDLE)."),
) -> None:
    """The course's warm grading server: `check` starts it in the background and hands it each job."""
    from grader.service.control import server_command

    code, text = server_command(_course().root, action, idle)
    typer.echo(text)
    raise typer.Exit(code)


@app.command()
def lsp() -> None:
    """A language server for editors: grades an exercise file on save and shows failing checks as diagnostics (needs the editor extra)."""
    from grader.service.lsp import serve

    serve()


@app.command()
def doctor(as_json: bool = typer.Option(False, "--json", help="Print the report as JSON.")) -> None:
    """Show which layers of the OS boundary around learner code this machine supports, and why not."""
    from grader.frontends.doctor import doctor_report, show_doctor
    from grader.isolation.backend import detect, file_system_wall, name

    layers = detect()
    report = doctor_report(layers, name(), file_system_wall(layers))
    if as_json:
        typer.echo(json.dumps(report, indent=2))
    else:
        show_doctor(_console(), report)


def _warn(console, progress) -> None:
    from grader.frontends.checkone import warn
    from grader.torchversions import installed_torch_note

    warn(console, progress.warnings, installed_torch_note())


def main() -> None:
    """The command line as a process (console script, `python -m cli`): app(), then exit without the
    interpreter's last full collection, which walks every object torch made (0.4 s of `import torch`
    alone here, more at load: the learner's wait after the verdict, and after Ctrl-C)."""
    import gc

    interrupts.install()
    try:
        app()
    except SystemExit as exc:
        if interrupts.noted() and exc.code != 130:  # a Ctrl-C that code not ours dropped after the last wait
            raise SystemExit(130) from None
        raise
    finally:
        gc.freeze()  # what is left is freed by the exit itself; atexit handlers and module teardown still run


if __name__ == "__main__":
    main()
