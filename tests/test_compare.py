"""Comparison of encoded results: what a learner is told for each kind of difference,
and properties that must hold for any data (hypothesis)."""

from __future__ import annotations

import io

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.judging.compare import compare
from grader.judging.encode import decode, encode


def diff(expected, got):
    return compare(encode(expected), encode(got))


def test_equal_tensors_match_and_tiny_float_noise_is_tolerated():
    x = torch.linspace(-3, 3, 50)
    assert diff(x, x.clone()) is None
    assert diff(x, x + 1e-7) is None


def test_a_wrong_dtype_is_named_before_values():
    m = diff(torch.tensor([1.0, 2.0]), torch.tensor([1, 2]))
    assert m.kind == "dtype" and m.text() == "dtype differs: expected torch.float32, got torch.int64"


def test_a_broadcastable_but_different_shape_fails_on_shape():
    m = diff(torch.zeros(3), torch.zeros(1, 3))
    assert m.kind == "shape" and "expected (3,), got (1, 3)" in m.text()


def test_value_differences_report_count_first_index_and_largest_error():
    expected = torch.zeros(2, 3)
    got = expected.clone()
    got[1, 2] = 0.5
    got[0, 1] = 0.25
    m = diff(expected, got)
    assert m.kind == "values"
    assert m.text() == "2 of 6 values differ; first at index [0, 1]: expected 0, got 0.25; largest error 0.5"


def test_nan_in_the_learners_result_is_pointed_out():
    m = diff(torch.ones(3), torch.tensor([1.0, float("nan"), 1.0]))
    assert "your result contains NaN" in m.text()


def test_nan_where_the_reference_has_nan_is_equal():
    assert diff(torch.tensor([float("nan"), 1.0]), torch.tensor([float("nan"), 1.0])) is None


def test_requires_grad_and_container_types_are_compared_exactly():
    assert diff(torch.ones(2, requires_grad=True), torch.ones(2)).kind == "requires_grad"
    assert diff((1.0, 2.0), [1.0, 2.0]).kind == "type"
    assert diff([1.0], [1.0, 2.0]).kind == "length"
    assert diff(1.0, torch.tensor(1.0)).kind == "type"
    assert diff(True, 1).kind == "type"
    assert diff(3, 3.0).kind == "type"


def test_a_tensor_subclass_never_passes_as_a_tensor():
    class Sneaky(torch.Tensor):
        pass

    m = diff(torch.ones(2), torch.ones(2).as_subclass(Sneaky))
    assert m.kind == "type" and m.got_kind == "tensor subclass"


def test_dict_differences_name_the_key():
    m = diff({"loss": 1.0, "training": True}, {"loss": 1.0, "training": False})
    assert m.text() == "result['training']: expected True, got False"
    m = diff({"a": 1}, {"b": 1})
    assert m.kind == "keys" and "missing ['a']" in m.text() and "unexpected ['b']" in m.text()


def test_python_floats_use_float32_like_tolerances():
    assert diff(0.1 + 0.2, 0.3) is None
    m = diff(1.0, 1.01)
    assert m.kind == "values" and "error 0.01" in m.text()


def test_malformed_data_from_a_learner_process_fails_without_raising():
    for junk in [{"kind": "tensor"}, {"kind": "list"}, {"kind": "dict", "keys": [1]}, object(), [1, 2]]:
        m = compare(encode(torch.ones(2)), junk)
        assert m is not None


def test_objects_that_are_not_data_are_described_not_pickled():
    node = encode(lambda: 1)
    assert node["kind"] == "object" and "function" in node["type"]


# --- properties over arbitrary data ---------------------------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False, width=32)
shapes = st.lists(st.integers(0, 4), min_size=0, max_size=3)
dtypes = st.sampled_from([torch.float32, torch.float64, torch.int64, torch.bool])


@st.composite
def tensors(draw):
    shape, dtype = draw(shapes), draw(dtypes)
    seed = draw(st.integers(0, 2**31 - 1))
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(shape, generator=g) * 10).to(dtype)


leaves = st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40), finite, st.text(max_size=8), tensors())
data = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(st.text(min_size=1, max_size=5), inner, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(data)
def test_any_value_equals_itself_after_crossing_the_boundary(value):
    buffer = io.BytesIO()
    torch.save(encode(value), buffer)
    buffer.seek(0)
    crossed = torch.load(buffer, weights_only=True)
    assert compare(encode(value), crossed) is None


@settings(max_examples=100, deadline=None)
@given(data)
def test_decode_inverts_encode_for_data(value):
    assert compare(encode(value), encode(decode(encode(value)))) is None


@settings(max_examples=100, deadline=None)
@given(tensors(), st.floats(0.01, 1e3))
def test_any_visible_change_to_a_float_tensor_is_caught(t, delta):
    if not t.dtype.is_floating_point or t.numel() == 0:
        return
    changed = t.clone()
    changed.view(-1)[0] += delta * (1 + abs(float(t.view(-1)[0])))
    m = diff(t, changed)
    assert m is not None and m.kind == "values" and "largest error" in m.text()


def _assert_close_accepts(expected, got) -> bool:
    try:
        torch.testing.assert_close(got, expected, equal_nan=True)
        return True
    except AssertionError:
        return False


@settings(max_examples=200, deadline=None)
@given(tensors(), st.sampled_from([0.0, 1e-7, 1e-6, 1e-5, 3e-5, 1e-3, float("nan"), float("inf")]), st.integers(0, 3))
def test_the_value_rule_agrees_with_torch_testing_assert_close(t, delta, where):
    """Values are compared without calling assert_close (its first call costs ~1 s); same verdicts."""
    changed = t.clone()
    if t.numel() and t.dtype.is_floating_point:
        changed.view(-1)[where % t.numel()] += delta
    elif t.numel() and delta and delta == delta:
        changed.view(-1)[where % t.numel()] = ~changed.view(-1)[0] if t.dtype == torch.bool else changed.view(-1)[0] + 1
    assert (diff(t, changed) is None) == _assert_close_accepts(t, changed)


@settings(max_examples=200, deadline=None)
@given(finite, st.sampled_from([0.0, 1e-7, 1e-6, 1e-5, 3e-5, 1e-2]), st.booleans())
def test_the_float_rule_agrees_with_assert_close_at_float_tolerances(x, delta, inf):
    got = float("inf") if inf and delta > 1e-3 else x + delta * (1 + abs(x))
    try:
        torch.testing.assert_close(got, x, rtol=1.3e-6, atol=1e-5, equal_nan=True)
        accepted = True
    except AssertionError:
        accepted = False
    assert (diff(x, got) is None) == accepted
