"""Where your values first differ, when no value says (issue 27): the settings the learner's code chose (a
layer made, a module's mode, its parameters frozen, an optimizer, a data loader), recorded bounded beside the
ops, validated on the trusted side, and the first one no correct computation chose named."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import COURSE
from grader.authoring.pointers import compose, marked_lines, pointers
from grader.judging.channel import Unreadable, frame, pack
from grader.judging.trace_schema import receive
from grader.judging.trace_settings import MAX_SETTINGS, MAX_TEXT


def _recorded(limit: int = MAX_SETTINGS) -> tuple[list[dict], int]:
    """The settings this function's lines chose, as recorded, and the line of the first."""
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    from grader.judging.tracer import Recorder

    recorder = Recorder([__file__], max_settings=limit)
    first = _recorded.__code__.co_firstlineno + 10  # the line that makes the layer
    with recorder:
        layer = torch.nn.Linear(2, 3)
        layer.eval()
        layer.requires_grad_(False)
        torch.optim.AdamW([{"params": [layer.weight], "weight_decay": 0.5}], lr=0.1)
        DataLoader(TensorDataset(torch.zeros(4, 2)), batch_size=2, shuffle=True,
                   generator=torch.Generator().manual_seed(7))
        with torch.inference_mode():
            pass
    return recorder.trace(None, 0)["settings"], first


def test_the_settings_the_code_chose_are_recorded_at_their_lines():
    import torch

    found, first = _recorded()
    assert [(s["name"], s["line"] - first) for s in found] == [
        ("module_Linear", 0), ("train", 1), ("requires_grad", 2), ("optimizer", 3), ("loader", 4), ("grad_mode", 6),
        ("mode", 1)]
    values = [s["value"] for s in found]
    assert values[0] == "Linear(in_features=2, out_features=3, bias=True)"
    assert values[1].endswith(".train(False)") and values[2].endswith(".requires_grad_([False])")
    assert values[3].startswith("AdamW: [1 params (1 frozen), 6 values;") and "weight_decay=0.5" in values[3]
    assert values[4] == "batch_size=2, drop_last=False, order=RandomSampler seeded 7"
    assert values[5] == "inference_mode(True)"
    assert values[6] == "Linear(in_features=2, out_features=3, bias=True): E"  # the mode it ends the run with
    assert torch.nn.Module.train.__name__ == "train" and torch.nn.Module.train.__module__ == "torch.nn.modules.module"


def test_the_settings_recorded_are_bounded():
    found, _ = _recorded(limit=2)
    assert [s["name"] for s in found] == ["module_Linear", "train"]


def _sent(settings) -> bytes:
    return frame(b"{}") + pack({"traces": {"c": {"case": 1, "ops": [], "outputs": [], "truncated": False,
                                                 "settings": settings}}})


def _setting(**changes) -> dict:
    return {"line": 3, "frames": [[3, "f"]], "name": "loader", "value": "batch_size=2", "after": 0, **changes}


def test_well_formed_settings_are_read():
    found = receive(_sent([_setting()]), {"c": 1}, 10)
    assert found["c"]["settings"] == [_setting()]


@pytest.mark.parametrize("what, settings", [
    ("too many", [_setting() for _ in range(MAX_SETTINGS + 1)]),
    ("not a list", {"a": _setting()}),
    ("a line past the file", [_setting(line=11, frames=[[11, "f"]])]),
    ("frames of another line", [_setting(frames=[[4, "f"]])]),
    ("an overlong value", [_setting(value="x" * (MAX_TEXT + 1))]),
    ("a value that is no string", [_setting(value=3)]),
    ("a name that is markup", [_setting(name="[red]x")]),
    ("an extra field", [{**_setting(), "x": 1}]),
    ("ops before it that were never sent", [_setting(after=1)]),
])
def test_malformed_settings_are_refused(what, settings):
    with pytest.raises(Unreadable):
        receive(_sent(settings), {"c": 1}, 10)


def _correct(*values: tuple[str, str]):
    from grader.judging.correct import Correct

    return Correct([{"case": 0, "ops": [], "outputs": [], "truncated": False,
                     "settings": [_setting(name=n, value=v) for n, v in values]}])


def _with(*settings, ops=()) -> dict:
    return {"ops": [{"frames": frames} for frames in ops], "settings": list(settings)}


def test_the_first_setting_no_correct_computation_chose_is_named():
    from grader.judging.pointer_settings import setting_difference

    correct = _correct(("loader", "batch_size=2"), ("optimizer", "AdamW"))
    mine = [_setting(value="batch_size=2"), _setting(name="module_Dropout", value="Dropout(p=0.5)"),
            _setting(name="optimizer", value="Adam"), _setting(value="batch_size=1")]
    assert setting_difference(_with(*mine), correct) == 2  # a kind of setting no correct computation chose: passed over
    assert setting_difference(_with(*mine[:2]), correct) is None


def test_a_setting_made_after_a_function_that_fails_its_own_checks_ran_is_not_named():
    """After a function failing its own checks made a setting or a value (not one the setting was made in):
    what the setting was given may be that function's doing."""
    from grader.judging.pointer_settings import setting_difference

    correct = _correct(("optimizer", "AdamW: 2"), ("module_Linear", "Linear(2)"))
    made = _setting(name="module_Linear", value="Linear(2)", frames=[[3, "adapt"], [9, "fine_tune"]])
    optimizer = _setting(name="optimizer", value="AdamW: 5", frames=[[5, "make_optimizer"], [10, "fine_tune"]])
    assert setting_difference(_with(made, optimizer), correct, {"fine_tune"}) == 1
    assert setting_difference(_with(made, optimizer), correct, {"adapt", "fine_tune"}) is None
    computed = _with({**optimizer, "after": 1}, ops=[[[2, "warmup.<locals>.<lambda>"], [9, "fine_tune"]]])
    assert setting_difference(computed, correct, {"fine_tune"}) == 0
    assert setting_difference(computed, correct, {"warmup", "fine_tune"}) is None
    assert setting_difference({**computed, "settings": [optimizer]}, correct, {"warmup"}) == 0  # ran after it


def test_each_optimizer_step_is_recorded_with_its_learning_rates_at_the_line_that_set_them():
    """The k-th step the code took, at the line that last set the rates it steps with (the optimizer made, a
    scheduler made or stepped); none where a param group was written to by hand."""
    import torch

    from grader.judging.tracer import Recorder

    weight = torch.nn.Parameter(torch.ones(2))
    first = test_each_optimizer_step_is_recorded_with_its_learning_rates_at_the_line_that_set_them.__code__.co_firstlineno
    with Recorder([__file__]) as recorder:
        optimizer = torch.optim.SGD([weight], lr=0.5)  # first + 10
        optimizer.step()
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 0.1 * (step + 1))  # first + 12
        optimizer.step()
        scheduler.step()  # first + 14
        optimizer.step()
        optimizer.param_groups[0]["lr"] = 3.0
        optimizer.step()
    steps = [(s["line"] - first, s["value"]) for s in recorder.trace(None, 0)["settings"] if s["name"] == "step"]
    assert steps == [(10, "#1: lr=['0.5']"), (12, "#2: lr=['0.05']"), (14, "#3: lr=['0.1']")]


@pytest.mark.parametrize("number, mistake", [
    ("05", "shuffle_ignored"),  # a loader in dataset order where a shuffled one was asked for
    ("05", "global_seed"),  # the global generator seeded: the loader shuffles from it, not from a seed of its own
    ("15", "adam_not_adamw"),  # another optimizer's class
    ("15", "optimizer_before_adapt"),  # make_optimizer (which passes) called too early: the calling line
    ("15", "batch_norm_statistics_drift"),  # the backbone left in train mode: the line that last set its mode
    ("11", "scheduler_before_step"),  # a step taken at a learning rate no correct step takes: the line that set it
    ("11", "clip_after_step"),  # gradients clipped after the step, where no correct computation clips
    ("17", "generator_per_trial"),  # a generator made again per trial: a draw leaves it where no correct one does
    ("15", "not_in_eval_mode"),  # a model returned in the mode it was made in: the return line
    ("06", "ignores_mps"),  # another device returned: the return line
    ("16", "no_grad_not_inference_mode"),  # another grad mode entered than every correct computation's
    ("16", "returned_module_not_program"),  # a module returned where every correct computation returns a program
    ("15", "returned_load_state_dict"),  # what load_state_dict returns (a report of keys), not the model
    ("07", "whole_objects_saved"),  # a checkpoint of another shape (the whole objects, not their state_dicts)
])
def test_a_mistake_in_a_setting_is_pointed_at_its_line(tmp_path: Path, number, mistake):
    ex = COURSE.resolve(number)
    source = compose(ex, ex.folder / "mistakes" / f"{mistake}.py")
    path = tmp_path / f"{ex.id}_{mistake}.py"
    path.write_text(source, encoding="utf-8")
    found = pointers(ex, path)
    named = {line for line in found.values() if line is not None}
    marks = marked_lines(source)
    assert named and named <= marks | {m + 1 for m in marks}, (found, marks)


def test_the_modes_a_module_ends_the_run_with_are_recorded_at_the_line_that_last_set_them():
    """`model.train()` then `model[1].eval()`: the model ends with its dropout in eval mode, the dropout in eval
    mode; each at the line of the last train() or eval() called on it."""
    import torch

    from grader.judging.tracer import Recorder

    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.5))
    first = test_the_modes_a_module_ends_the_run_with_are_recorded_at_the_line_that_last_set_them.__code__.co_firstlineno
    with Recorder([__file__]) as recorder:
        model.eval()
        model.train()  # first + 11
        model[1].eval()  # first + 12
    modes = [(s["line"] - first, s["value"]) for s in recorder.trace(None, 0)["settings"] if s["name"] == "mode"]
    assert modes == [(11, "Sequential(): TTE"), (12, "Dropout(p=0.5, inplace=False): E")]


def test_zero_grad_clipping_and_a_schedulers_step_are_recorded_by_where_they_come_among_steps_and_backwards():
    """Each the n-th of its kind, after how many optimizer steps, and how many backward() calls since the last:
    clipping after the step, not before it, differs from every correct computation's first clipping."""
    import torch

    from grader.judging.tracer import Recorder

    weight = torch.nn.Parameter(torch.ones(2))
    optimizer = torch.optim.SGD([weight], lr=0.5)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)
    with Recorder([__file__]) as recorder:
        optimizer.zero_grad()
        (weight * 2).sum().backward()
        optimizer.step()
        torch.nn.utils.clip_grad_norm_([weight], 1.0)
        scheduler.step()
    found = [(s["name"], s["value"]) for s in recorder.trace(None, 0)["settings"] if s["name"] != "step"]
    assert found == [("zero_grad", "#1: after 0 steps, 0 backward since the last"),
                     ("clip", "#1: after 1 steps, 0 backward since the last"),
                     ("scheduler_step", "#1: after 1 steps, 0 backward since the last")]
    assert torch.nn.utils.clip_grad_norm_.__module__ == "torch.nn.utils.clip_grad"  # put back after


def test_a_step_past_the_last_any_correct_computation_took_is_not_named():
    """One epoch more than every correct computation ran: the loop's condition decided it, which no setting did."""
    from grader.judging.pointer_settings import setting_difference

    correct = _correct(("zero_grad", "#1: after 0 steps"), ("zero_grad", "#2: after 1 steps"))
    assert setting_difference(_with(_setting(name="zero_grad", value="#3: after 2 steps")), correct) is None
    assert setting_difference(_with(_setting(name="zero_grad", value="#2: after 0 steps")), correct) == 0


def test_each_random_draw_is_recorded_with_its_generator_and_the_state_it_left():
    """A generator made again with the same seed draws the same state again: unlike one kept, whose second
    draw leaves it elsewhere; the global generator is told from one of the code's own."""
    import torch

    from grader.judging.tracer import Recorder

    with Recorder([__file__]) as recorder:
        kept = torch.Generator().manual_seed(3)
        torch.randint(5, (1,), generator=kept)
        torch.randint(5, (1,), generator=kept)
        torch.randint(5, (1,), generator=torch.Generator().manual_seed(3))
        torch.manual_seed(3)
        torch.randint(5, (1,))
    draws = [s["value"] for s in recorder.trace(None, 0)["settings"] if s["name"] == "draw"]
    assert [d.split(":")[0] for d in draws] == ["#1", "#2", "#3", "#4"]
    assert draws[0][3:] == draws[2][3:] != draws[1][3:]
    assert "its own generator seeded 3" in draws[0] and "the global generator seeded 3" in draws[3]


def _made_here():
    import torch

    return torch.nn.Sequential(torch.nn.Dropout(0.5))


def _set_here(model):
    return model.eval()


def test_a_module_returned_with_no_mode_set_is_recorded_in_the_modes_it_goes_out_in_at_the_return_line():
    """None of its modes set by the code: the return line set them (left as made); set by eval(), the line of
    the eval() does (recorded once, as the mode it ends the run with)."""
    from grader.judging.tracer import Recorder

    with Recorder([__file__]) as recorder:
        _set_here(_made_here())
    settings = recorder.trace(None, 0)["settings"]
    modes = [(s["line"], s["value"]) for s in settings if s["name"] == "mode"]
    returned = _made_here.__code__.co_firstlineno + 3
    assert modes == [(returned, "Sequential(): TT"), (_set_here.__code__.co_firstlineno + 1, "Sequential(): EE")]
    assert [(s["line"], s["value"]) for s in settings if s["name"] == "returned"] == [
        (returned, "Sequential"), (_set_here.__code__.co_firstlineno + 1, "Sequential")]  # its type, at each return
