"""Where your values first differ (issue 27): the first line of the learner's code whose value no correct
computation produces, on a check that failed on values; in `check`, `--json`, notebooks and the gradebook.
A forged trace is refused by its schema; a correct style never gets a pointer on its own lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import COURSE, cli, grade
from grader.authoring.pointers import compose, marked_lines, pointers
from grader.judging.channel import Unreadable, frame, pack
from grader.judging.trace_grads import MAX_GRADS
from grader.judging.trace_schema import receive
from grader.judging.tracer import MAX_OPS


def mistake_file(tmp_path: Path, number: str, *names: str) -> tuple[Path, str]:
    """The reference with these styles/mistakes ("styles/x", "mistakes/y") on top, as a learner's file."""
    ex = COURSE.resolve(number)
    source = compose(ex, *(ex.folder / f"{name}.py" for name in names))
    path = tmp_path / f"{ex.id}_{names[-1].split('/')[-1]}.py"
    path.write_text(source, encoding="utf-8")
    return path, source


@pytest.mark.parametrize("number, mistake", [
    ("08", "dim_ignored"),  # the max taken along the wrong dim: its own line, in softmax and in log_softmax
    ("08", "double_softmax"),  # softmax (which passes its own check) called where it should not be: the calling line
    ("13", "kernel_flattened_wrong_order"),  # a wrong intermediate in a longer computation
    ("19", "heads_split_without_transpose"),  # inside a module's forward
    ("01", "zeros_ones_swapped"),  # both values are correct ones, returned in each other's place
    ("01", "float64_from_list"),  # the right values in the wrong dtype: the line that made them
    ("09", "float_counts"),  # a wrong dtype from the start: the zeros the counts were added to, not the adding
    ("03", "no_relu"),  # the first wrong value is the returned one: its line computed it
    ("18", "ste_clipped"),  # inside a custom Function's backward
    ("03", "counts_frozen"),  # a Python number returned: the line that last changed it
    ("17", "early_stopping_on_test"),  # a course helper (val_loss) given the wrong split: the line that called it
    ("15", "default_weights_not_the_file"),  # a course helper (pretrained_state) called at all: the calling line
    ("11", "clip_by_value"),  # gradients changed in place by torch's clipping, then read by the optimizer
    ("19", "no_scaling"),  # a step left out: the line that made the correct value it was left out of, not its use
    ("12", "normalised_with_unbiased_var"),  # a correct value (for the running statistics) used where another was due
    ("19", "additive_mask_as_keep_mask"),  # a step that changed nothing, then the softmax of it: the step's line
    ("08", "bce_sigmoid_then_log"),  # an op no correct computation applies there (log of a sigmoid): its own line
    ("14", "unpacked_last_column"),  # the wrong part of a correct value selected: the selection's line
    ("12", "eps_outside_sqrt"),  # the same values, to the tolerances, but not the same gradient: where it first differs
    ("16", "nan_gradient_at_zero_row"),  # a gradient of nan where the values are right
    ("18", "sigmoid_derivative_overflows"),  # a gradient of nan from a custom backward: returned, linked to its op
    ("19", "nan_for_fully_masked_rows"),  # a step left out that a correct computation takes on the using line
    ("18", "clamped_in_place"),  # a value forward saved for backward (through ctx), changed in place: its line
    ("05", "x_y_swapped"),  # a correct value made on one line, returned in the wrong place on the next: the return
    ("02", "returned_the_loss"),  # the loss (a correct value) returned where its gradient is due: the return line
])
def test_a_known_mistake_is_pointed_at_its_own_line(tmp_path, number, mistake):
    path, source = mistake_file(tmp_path, number, f"mistakes/{mistake}")
    found = pointers(COURSE.resolve(number), path)
    named = {line for line in found.values() if line is not None}
    marks = marked_lines(source)
    assert named and named <= marks | {m + 1 for m in marks}, (found, marks)


@pytest.mark.parametrize("number", ["08", "13", "19"])
def test_no_line_of_a_correct_style_is_ever_named(tmp_path, number):
    """A style under a known mistake in another function: every pointer names a line of the mistake, none
    of the style's (whose values are correct however differently they are computed)."""
    ex = COURSE.resolve(number)
    mistakes = [m for m in ex.mistakes if marked_lines(m.read_text(encoding="utf-8"))][:4]
    checked = 0
    for style in ex.styles:
        for mistake in mistakes:
            path, source = mistake_file(tmp_path, number, f"styles/{style.stem}", f"mistakes/{mistake.stem}")
            lines = source.split("\n")
            start = lines.index(f"# ---- {style.stem} ----")
            end = lines.index(f"# ---- {mistake.stem} ----")
            for name, line in pointers(ex, path).items():
                checked += line is not None
                assert line is None or not start < line <= end + 1, (style.stem, mistake.stem, name, line)
    assert checked, "no pointer was named at all: the test would prove nothing"


@pytest.mark.parametrize("number, style, mistake", [
    ("17", "early_stopping_object", "early_stopping_on_test"),  # the style's own val_loss, given the test split
    ("15", "names_and_loops", "default_weights_not_the_file"),  # the style's own pretrained_state, called at all
])
def test_a_correct_styles_helper_given_wrong_values_is_not_blamed(tmp_path, number, style, mistake):
    """A helper of the style's that no check tests, called by the mistake's function: the calling line (the
    mistake's) is named, not the helper's (once named here: the style's line was blamed)."""
    path, source = mistake_file(tmp_path, number, f"styles/{style}", f"mistakes/{mistake}")
    lines = source.split("\n")
    start, end = lines.index(f"# ---- {style} ----"), lines.index(f"# ---- {mistake} ----")
    named = {line for line in pointers(COURSE.resolve(number), path).values() if line is not None}
    assert named and all(line > end for line in named), (named, start, end)


def test_a_layer_left_trainable_is_not_blamed_on_a_line(tmp_path):
    """A frozen backbone left trainable: its weights get gradients where no correct computation has any; no
    line computed a wrong value or a wrong gradient, so none is named (the check's own message stands)."""
    path, _ = mistake_file(tmp_path, "15", "mistakes/requires_grad_attribute_on_module")
    found = pointers(COURSE.resolve("15"), path)
    assert found and all(line is None for line in found.values()), found


def test_the_gradients_left_for_recorded_values_are_recorded_after_them_and_bounded():
    """Each value the code computed that requires a gradient gets the one the backward left for it (once, the
    first), after the forward ops; at most `max_grads`; the gradients themselves are unchanged."""
    import torch

    from grader.judging.trace_grads import GRAD
    from grader.judging.tracer import Recorder

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    recorder = Recorder([__file__], max_grads=2)
    with recorder:
        y = x * 3
        z = y.exp()
        w = z.sum()
        w.backward()
    ops = recorder.trace(w, 0)["ops"]
    grads = [op for op in ops if op["state"] == GRAD]
    assert [op["state"] == GRAD for op in ops] == [False] * (len(ops) - 2) + [True, True]
    assert len(grads) == 2 and all(ops[g["inputs"][0]]["line"] == g["line"] for g in grads)
    assert torch.allclose(ops[grads[0]["inputs"][0]]["data"], x.detach())  # the first two values hooked: x, y
    assert torch.allclose(grads[0]["data"], 3 * torch.exp(3 * x.detach()))  # x's
    assert torch.allclose(grads[1]["data"], torch.exp(3 * x.detach()))  # y's
    assert torch.allclose(x.grad, 3 * torch.exp(3 * x.detach()))  # left as autograd computed it
    with Recorder([__file__], max_grads=2) as later:
        v = (x * 3).sum()
    v.backward()  # after the recording: its hooks are gone, nothing more is kept
    assert not [op for op in later.trace(v, 0)["ops"] if op["state"] == GRAD]


def test_a_correct_number_returned_in_the_wrong_place_is_not_blamed(tmp_path):
    """Precision and recall computed each with the other's sums: the returned numbers are correct ones in each
    other's place, made on the return line only by converting correct values, so no line is named there."""
    path, _ = mistake_file(tmp_path, "09", "mistakes/precision_recall_swapped")
    found = pointers(COURSE.resolve("09"), path)
    assert "precision_recall_f1" in found and found["precision_recall_f1"] is None, found


@pytest.mark.parametrize("frames, checked, line", [
    ([[5, "helper"], [20, "fit"]], {"fit"}, 20),  # a helper no check tests: the tested function's calling line
    ([[5, "helper"], [9, "inner"], [20, "fit"]], {"fit"}, 20),  # past every untested helper
    ([[5, "softmax"], [20, "log_softmax"]], {"softmax", "log_softmax"}, 5),  # a tested function: its own line
    ([[5, "Net.forward"], [20, "fit"]], {"Net", "fit"}, 5),  # a method of a tested class is that class's
    ([[5, "fit.<locals>.<lambda>"], [20, "fit"]], {"fit"}, 5),  # a function defined inside a tested one
    ([[5, "helper"]], {"fit"}, 5),  # called from outside the file (the probe): its own line
    ([[5, "helper"], [20, "fit"]], None, 5),  # nothing known of the checks: its own line
])
def test_a_value_is_blamed_on_the_nearest_tested_functions_line(frames, checked, line):
    from grader.judging.blame import _blamed

    assert _blamed({"line": frames[0][0], "frames": frames}, set(), checked) == line


def test_an_op_is_named_one_way_however_the_code_spells_it():
    """`x / y`, `torch.div`, `x.div_` and autograd's `aten.div` are one op to the step-left-out rule; a name
    that is no identifier (a lambda's) is none."""
    import torch

    from grader.judging.trace_values import _name

    spellings = [torch.Tensor.__truediv__, torch.Tensor.__rtruediv__, torch.div, torch.Tensor.div_,
                 torch.ops.aten.div.Tensor, torch.Tensor.__itruediv__]
    assert {_name(f) for f in spellings} == {"div"}
    assert {_name(f) for f in (torch.softmax, torch.nn.functional.softmax, torch.Tensor.softmax)} == {"softmax"}
    assert _name(lambda: 0) == ""


def _traced(*steps) -> dict:
    """A trace of (line, name, value, inputs) steps, the first read from outside, returning the last."""
    import torch

    ops = [{"line": line, "frames": [[line, "f"]], "inputs": inputs, "fresh": False, "state": 1 if k == 0 else 0,
            "name": name, "shape": [len(value)], "dtype": "torch.float32", "data": torch.tensor(value), "stats": None}
           for k, (line, name, value, inputs) in enumerate(steps)]
    return {"case": 0, "ops": ops, "outputs": [len(ops) - 1], "truncated": False}


@pytest.mark.parametrize("learner, line", [
    # the scaling left out: the softmax (a correct op) of a correct value no correct computation took it of
    ([(1, "", [2.0, 4.0], []), (5, "mul", [4.0, 8.0], [0]), (7, "softmax", [0.018, 0.982], [1])], 5),
    # the softmax of the right value, computed wrong (another op no correct computation applies there): its line
    ([(1, "", [2.0, 4.0], []), (5, "mul", [4.0, 8.0], [0]), (6, "div", [1.0, 2.0], [1]),
      (7, "log_softmax", [-1.31, -0.31], [2])], 7),
])
def test_a_step_left_out_is_named_where_the_value_it_was_left_out_of_was_made(learner, line):
    from grader.judging.blame import describe
    from grader.judging.correct import Correct
    from grader.judging.pointer import first_difference

    correct = Correct([_traced((1, "", [2.0, 4.0], []), (5, "mul", [4.0, 8.0], [0]), (6, "div", [1.0, 2.0], [1]),
                               (7, "softmax", [0.2689, 0.7311], [2]))])
    trace = _traced(*learner)
    found = first_difference(trace, correct, (1e-3, 1e-3))
    lines = [f"line {n}" for n in range(1, 10)]
    assert found is not None and describe(*found, trace, lines, lambda n: ("", n)).startswith(f"line {line}:"), found


def test_a_step_left_out_is_named_where_it_is_used_when_a_correct_computation_takes_it_on_that_line():
    """The correct computation takes the step left out on the line of the op the learner applied (`scores.
    masked_fill(blocked, 0.0).softmax(-1)`): the learner's softmax line is named, not the line that made the
    correct value (which a correct computation only went on from elsewhere)."""
    from grader.judging.correct import Correct
    from grader.judging.pointer import first_difference

    correct = Correct([_traced((1, "", [2.0, 4.0], []), (5, "mul", [4.0, 8.0], [0]), (7, "div", [1.0, 2.0], [1]),
                               (7, "softmax", [0.2689, 0.7311], [2]))])
    trace = _traced((1, "", [2.0, 4.0], []), (5, "mul", [4.0, 8.0], [0]), (7, "softmax", [0.018, 0.982], [1]))
    found = first_difference(trace, correct, (1e-3, 1e-3))
    assert found is not None and trace["ops"][found[0]]["line"] == 7, found


@pytest.mark.parametrize("made_in, line", [
    ("Clamp.forward", 3),  # made by another method of the class (saved for backward, kept on self): its line
    ("Clamp.backward", 8),  # made in the same call, and only returned by a correct computation: an extra op, its line
    ("make_data", 8),  # made by a function whose result was passed in (an argument): the op applied, its line
])
def test_a_correct_value_handed_over_through_state_is_blamed_where_it_was_made(made_in, line):
    """A correct value that correct computations only returned, used by another call of the code (backward
    reading what forward saved, clamped in place): the line that made it; in the same call, the op applied."""
    from grader.judging.correct import Correct
    from grader.judging.pointer import first_difference

    def calls(trace: dict, made: str) -> dict:
        for op, function in zip(trace["ops"], ["outside", made, "Clamp.backward"]):
            op["frames"] = [[op["line"], function]]
        return trace

    correct = calls(_traced((1, "", [-2.0, 0.5, 2.0], []), (3, "clamp", [-1.0, 0.5, 1.0], [0]),
                            (8, "ge", [0.0, 1.0, 1.0], [0])), made_in)
    correct["outputs"] = [1, 2]
    trace = calls(_traced((1, "", [-2.0, 0.5, 2.0], []), (3, "clamp", [-1.0, 0.5, 1.0], [0]),
                          (8, "ge", [1.0, 1.0, 1.0], [1])), made_in)
    trace["outputs"] = [1, 2]
    found = first_difference(trace, Correct([correct]), (1e-3, 1e-3))
    assert found is not None and trace["ops"][found[0]]["line"] == line, found


def test_a_tensor_read_again_unchanged_is_not_recorded_again_but_an_in_place_change_is():
    """`p.grad` read twice, `x.float()` of a float: the value already recorded (later reads link to it); `x.mul_`
    changed it: a new value, computed from the old."""
    import torch

    from grader.judging.tracer import Recorder

    x = torch.ones(3)
    with Recorder([__file__]) as recorder:
        y = x * 2
        same = y.float()
        y.mul_(3)
        y + 1  # read after the change: linked to it
    ops = recorder.ops
    assert same is y
    assert len(ops) == 4, [(op["state"], op["inputs"]) for op in ops]  # x read, x * 2, y.mul_(3), y + 1
    assert ops[2]["inputs"] == [1] and ops[3]["inputs"] == [2] and float(ops[3]["data"][0]) == 7.0
    assert [op["name"] for op in ops[1:]] == ["mul", "mul", "add"]  # `x.mul_` is the op `x * 2` is


def test_the_gradients_a_backward_call_leaves_are_recorded_at_its_line():
    """Each `backward()` records the `.grad` it left, computed from the loss (and from the gradient it was added
    to); one left from outside before the call is read from outside there, and what was added to it is that
    value changed during the run (never blamed on this code: the leftover is the mistake, not the backward)."""
    import torch

    from grader.judging.tracer import CHANGED, COMPUTED, STATE, Recorder

    w = torch.nn.Parameter(torch.ones(2))
    w.grad = torch.full((2,), 5.0)  # left over from outside
    with Recorder([__file__]) as recorder:
        loss = (w * 3).sum()
        loss.backward()
    ops = recorder.ops
    left, added = ops[-2], ops[-1]
    assert left["state"] == STATE and left["data"].tolist() == [5.0, 5.0] and left["line"] == added["line"]
    assert added["state"] == CHANGED and added["data"].tolist() == [8.0, 8.0]
    assert added["inputs"] == [len(ops) - 3, len(ops) - 2]  # the loss, and the gradient it was added to
    v = torch.nn.Parameter(torch.ones(2))
    with Recorder([__file__]) as recorder:
        (v * 3).sum().backward()
    assert recorder.ops[-1]["state"] == COMPUTED and recorder.ops[-1]["data"].tolist() == [3.0, 3.0]


def _lengths(sequences, given):
    lengths = torch_module().Tensor([len(s) for s in sequences])  # the legacy constructor: no torch function
    kept = given
    return lengths, kept


def torch_module():
    import torch

    return torch


def test_a_returned_tensor_no_traced_op_made_is_made_where_it_was_assigned():
    """`torch.Tensor([...])` is no torch function: returned by name, it is recorded at the line that assigned
    it; a tensor the function was given and returns as it is stays made elsewhere (-1)."""
    import inspect

    from grader.judging.tracer import Recorder

    given = torch_module().ones(2)
    with Recorder([__file__]) as recorder:
        result = _lengths([[1, 2], [3]], given)
    trace = recorder.trace(result, 0)
    made = trace["ops"][trace["outputs"][0]]
    assert made["line"] == inspect.getsourcelines(_lengths)[1] + 1 and made["fresh"] and made["data"].tolist() == [2, 1]
    assert trace["outputs"][1] == -1 and [op for op in trace["ops"] if op["state"] != 3] == [made]  # nothing else


def test_check_shows_the_line_in_text_and_json(tmp_path):
    path, source = mistake_file(tmp_path, "08", "mistakes/dim_ignored")
    marks = sorted(marked_lines(source))
    text = cli(COURSE.root, "check", "08", "--file", str(path))
    assert f"differs at  line {marks[0]}: e = (x - x.amax(dim=-1, keepdim=True)).exp()" in text.output
    assert "the first value your code computed that no correct computation produces" in text.output
    data = json.loads(cli(COURSE.root, "check", "08", "--file", str(path), "--json").output)
    softmax = next(c for c in data["checks"] if c["name"] == "softmax")
    assert softmax["differs_at"].startswith(f"line {marks[0]}: ")
    assert all(c["differs_at"] == "" for c in data["checks"] if c["passed"])


def test_a_passing_check_never_traces(monkeypatch):
    import grader.judging.where as where

    monkeypatch.setattr(where, "point", lambda *a, **k: pytest.fail("traced a passing check"))
    assert grade("08", COURSE.resolve("08").solution).passed


def test_in_a_notebook_the_pointer_names_the_cell_and_the_line(tmp_path):
    import nbformat

    solution = COURSE.resolve("08").solution.read_text(encoding="utf-8")
    bad = "def softmax(x, dim=-1):\n    m = x.amax(dim=-1, keepdim=True)\n    e = (x - m).exp()\n    return e / e.sum(dim=dim, keepdim=True)"
    cells = [nbformat.v4.new_code_cell(solution), nbformat.v4.new_markdown_cell("# softmax"), nbformat.v4.new_code_cell(bad)]
    path = tmp_path / "work.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    result = grade("08", path)
    softmax = next(c for c in result.checks if c.name == "softmax")
    assert softmax.differs_at.startswith("cell 3, line 2: m = x.amax(dim=-1, keepdim=True) — "), softmax.differs_at


def test_the_gradebook_and_gradescope_carry_the_pointer():
    from grader.classroom.bookfiles import gradescope
    from grader.classroom.gradebook import entry_from_result
    from grader.results import CheckResult, ExerciseResult

    check = CheckResult("softmax", False, message="values differ", differs_at="line 9: e = x.exp() — the first ...")
    entry = entry_from_result(ExerciseResult("08", "08", "failed", checks=[check]), "alice/08.py", Path("/x"))
    assert entry["checks"][0]["differs_at"] == "line 9: e = x.exp() — the first ..."
    output = gradescope(["08"], {"08": entry})["tests"][0]["output"]
    assert "values first differ at line 9: e = x.exp()" in output


# --- the trace as the learner's process sends it: validated field by field ----------------------------


def _sent(traces: dict) -> bytes:
    return frame(b"{}") + pack({"traces": traces})


def _op(**changes) -> dict:
    import torch

    op = {"line": 3, "frames": [[3, "f"]], "inputs": [], "fresh": False, "state": 0, "name": "add", "shape": [2],
          "dtype": "torch.float32",
          "data": torch.zeros(2), "stats": None}
    return {**op, **changes}


def test_a_well_formed_trace_is_read():
    found = receive(_sent({"c": {"case": 1, "ops": [_op()], "outputs": [0], "truncated": False}}), {"c": 1}, 10)
    assert found["c"]["ops"][0]["line"] == 3 and found["c"]["outputs"] == [0]


@pytest.mark.parametrize("what, traces", [
    ("a check not asked for", {"other": {"case": 1, "ops": [], "outputs": [], "truncated": False}}),
    ("another case", {"c": {"case": 2, "ops": [], "outputs": [], "truncated": False}}),
    ("a line past the file", {"c": {"case": 1, "ops": [_op(line=11, frames=[[11, "f"]])], "outputs": [], "truncated": False}}),
    ("an input from the future", {"c": {"case": 1, "ops": [_op(inputs=[0])], "outputs": [], "truncated": False}}),
    ("an unknown dtype", {"c": {"case": 1, "ops": [_op(dtype="torch.evil")], "outputs": [], "truncated": False}}),
    ("data unlike its shape", {"c": {"case": 1, "ops": [_op(shape=[3])], "outputs": [], "truncated": False}}),
    ("both data and stats", {"c": {"case": 1, "ops": [_op(stats=[0.0] * 5)], "outputs": [], "truncated": False}}),
    ("too many ops", {"c": {"case": 1, "ops": [_op() for _ in range(MAX_OPS + MAX_GRADS + 1)], "outputs": [],
                            "truncated": False}}),
    ("an output past the ops", {"c": {"case": 1, "ops": [_op()], "outputs": [1], "truncated": False}}),
    ("an extra field", {"c": {"case": 1, "ops": [{**_op(), "x": 1}], "outputs": [], "truncated": False}}),
    ("a name that is markup", {"c": {"case": 1, "ops": [_op(name="[red]x[/red]")], "outputs": [], "truncated": False}}),
    ("a name with a control character", {"c": {"case": 1, "ops": [_op(name="add\x1b")], "outputs": [], "truncated": False}}),
    ("an overlong name", {"c": {"case": 1, "ops": [_op(name="a" * 61)], "outputs": [], "truncated": False}}),
    ("a name that is no string", {"c": {"case": 1, "ops": [_op(name=["add"])], "outputs": [], "truncated": False}}),
    ("no name", {"c": {"case": 1, "ops": [{k: v for k, v in _op().items() if k != "name"}], "outputs": [],
                       "truncated": False}}),
])
def test_a_malformed_trace_is_refused(what, traces):
    with pytest.raises(Unreadable):
        receive(_sent(traces), {"c": 1}, 10)


def test_a_value_made_elsewhere_and_a_returned_number_are_read():
    import torch

    number = _op(state=3, shape=[], dtype="torch.float64", data=torch.tensor(2.0, dtype=torch.float64))
    found = receive(_sent({"c": {"case": 1, "ops": [_op(), number], "outputs": [-1, 1, 0], "truncated": False}}),
                    {"c": 1}, 10)
    assert found["c"]["outputs"] == [-1, 1, 0] and found["c"]["ops"][1]["state"] == 3


@pytest.mark.parametrize("what, trace", [
    ("an output before the ops", {"case": 1, "ops": [_op()], "outputs": [-2], "truncated": False}),
    ("an unknown state", {"case": 1, "ops": [_op(state=5)], "outputs": [], "truncated": False}),
    ("a gradient of no value", {"case": 1, "ops": [_op(state=4)], "outputs": [], "truncated": False}),
])
def test_a_malformed_output_or_state_is_refused(what, trace):
    with pytest.raises(Unreadable):
        receive(_sent({"c": trace}), {"c": 1}, 10)


def test_where_a_tensor_was_returned_is_read_and_bounded():
    from grader.judging.trace_returns import MAX_RETURNED

    trace = {"case": 1, "ops": [_op()], "outputs": [0], "truncated": False, "returned": [[0, [[4, "f"], [9, "g"]]]]}
    assert receive(_sent({"c": trace}), {"c": 1}, 10)["c"]["returned"] == {0: [[4, "f"], [9, "g"]]}
    for bad in ([[1, [[4, "f"]]]], [[0, [[11, "f"]]]], [[0, []]], [[0, [4, "f"]]], [["0", [[4, "f"]]]], [[0]],
                [[0, [[4, "f"]]]] * (MAX_RETURNED + 1), {"0": [[4, "f"]]}):
        with pytest.raises(Unreadable):
            receive(_sent({"c": {**trace, "returned": bad}}), {"c": 1}, 10)


def test_the_learner_side_records_where_each_tensor_was_last_returned_bounded(monkeypatch):
    import grader.judging.trace_returns as trace_returns
    from grader.judging.tracer import Recorder

    import torch

    def made(i):
        square = torch.full((1,), float(i))
        return square, square + 1

    def in_a_block(x):
        with torch.no_grad():
            return x * 2  # Python reports the `with` line on leaving it: not recorded

    monkeypatch.setattr(trace_returns, "MAX_RETURNED", 3)
    with Recorder([__file__]) as recorder:
        in_a_block(torch.ones(1))
        for i in range(3):
            made(i)
    returned = recorder.trace(None, 0)["returned"]
    assert [i for i, _ in returned] == [2, 3, 4], returned  # not x * 2 (op 1); the first 3 returned, no more
    assert all(frames[0][0] == made.__code__.co_firstlineno + 2 for _, frames in returned), returned


def test_a_correct_value_returned_in_the_wrong_place_is_named_at_the_return_line():
    """Made on one line, returned in another's place on a later one (`return square, x`): the return line; made
    and returned on one line, or where no return was recorded, the op's own line."""
    from grader.judging.correct import Correct
    from grader.judging.pointer import first_difference

    def traced(returned):
        trace = _traced((1, "", [1.0], []), (4, "mul", [4.0, 9.0], [0]), (5, "add", [2.0, 3.0], [0]))
        trace["outputs"], trace["returned"] = [1, 2], returned
        return trace

    correct = traced({})
    correct["outputs"] = [2, 1]
    for returned, line in (({1: [[6, "f"]], 2: [[6, "f"]]}, 6), ({1: [[4, "f"]]}, 4), ({}, 4)):
        trace = traced(returned)
        found = first_difference(trace, Correct([correct]), (1e-3, 1e-3))
        assert found is not None and trace["ops"][found[0]]["line"] == line, (returned, found)


def test_an_oversized_trace_is_refused_before_it_is_parsed():
    huge = frame(b"{}") + frame(b"[" * (20 * 2**20)) + frame(b"")
    with pytest.raises(Unreadable, match="larger than the grader accepts"):
        receive(huge, {"c": 1}, 10)
