"""The channel's codec (``grading_runtime/wire.py``): plain data crosses, nothing else does.

Every value goes through a real frame (``encode`` then ``read_frame`` then ``decode``), so
these tests see exactly what the judge would see. Decoder tests build the JSON documents a
hostile student process could write by hand.
"""

from __future__ import annotations

import json
import math
import struct

import numpy as np
import pytest
import torch

from autograder.grading_runtime import wire
from conftest import reader_of
from autograder.grading_runtime.wire import MAX_DEPTH, MAX_ITEMS, MAX_STRING_CHARS, WireError


def cross(value, remember=None, **callbacks):
    """``value`` sent through one whole frame and decoded on the other side."""
    document, blob = wire.read_frame(reader_of(wire.encode(value, remember)))
    return wire.decode(document, blob, **callbacks)


def decode_raw(document, blob: bytes = b"", **callbacks):
    """A hand-written document through the frame reader and the decoder, as a student could send it."""
    text = json.dumps(document).encode()
    return wire.decode(*wire.read_frame(reader_of(wire.HEADER.pack(len(text), len(blob)) + text + blob)),
                       **callbacks)


def array_document(dtype: str, shape, offset: int, nbytes: int, **extra) -> dict:
    return {"$array": {"dtype": dtype, "shape": shape, "offset": offset, "nbytes": nbytes, **extra}}


# --- plain values ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    None, True, False, 0, 1, -7, 2**63 - 1, -(2**63) + 1, "", "plain", "ünïcødé ✓ 数", "a\x00b\n",
])
def test_scalars_cross_with_their_exact_type_and_value(value):
    """Do None, booleans, ints and strings arrive as the same value of the very same type?"""
    arrived = cross(value)
    assert type(arrived) is type(value)
    assert arrived == value


@pytest.mark.parametrize("value", [0.0, -0.0, 1.5, -2.25e-300, 1.7976931348623157e308, 5e-324])
def test_finite_floats_cross_bit_for_bit(value):
    """Does a finite float arrive as a float with the same bits (the sign of zero included)?"""
    arrived = cross(value)
    assert type(arrived) is float
    assert struct.pack("<d", arrived) == struct.pack("<d", value)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinities_cross_although_json_has_no_word_for_them(value):
    """Do nan, inf and -inf arrive as floats (JSON itself has no such numbers)?"""
    arrived = cross(value)
    assert type(arrived) is float
    assert (math.isnan(arrived) and math.isnan(value)) or arrived == value


def test_nested_lists_and_tuples_keep_their_kinds():
    """Does a list stay a list and a tuple a tuple, at every depth, empty ones included?"""
    value = [1, (2, [3, (4,)], ()), [], ("x", None)]
    arrived = cross(value)
    assert arrived == value
    assert type(arrived) is list and type(arrived[1]) is tuple and type(arrived[1][1]) is list
    assert type(arrived[1][1][1]) is tuple and arrived[1][2] == () and type(arrived[1][2]) is tuple


def test_dicts_with_int_str_float_and_tuple_keys_cross():
    """Does a dict keep keys of every hashable plain kind, with their types?"""
    value = {1: "one", "two": 2, (3, "three"): [3], 4.5: None, None: (), (): {"inner": 1}}
    arrived = cross(value)
    assert arrived == value
    assert {type(k) for k in arrived} == {int, str, tuple, float, type(None)}
    assert list(arrived) == list(value)  # the order too


def test_ellipsis_crosses():
    """Does ``...`` arrive as Ellipsis itself?"""
    assert cross(...) is Ellipsis
    assert cross([..., (...,)]) == [Ellipsis, (Ellipsis,)]


def test_long_strings_are_cut_with_a_note():
    """Is a string longer than the limit cut, and marked as cut, rather than refused?"""
    arrived = cross("x" * (MAX_STRING_CHARS + 50))
    assert arrived == "x" * MAX_STRING_CHARS + " [cut]"


# --- numpy ----------------------------------------------------------------------------------------


ARRAY_DTYPES = sorted(wire.ARRAY_DTYPES.values(), key=str)


def sample_array(dtype: np.dtype, shape) -> np.ndarray:
    count = int(np.prod(shape))
    if dtype == np.bool_:
        return (np.arange(count) % 3 == 0).reshape(shape)
    values = np.arange(count) % 100
    if dtype.kind == "f":
        values = values / 7.0
    return values.astype(dtype).reshape(shape)


@pytest.mark.parametrize("dtype", ARRAY_DTYPES, ids=str)
@pytest.mark.parametrize("shape", [(2, 3), (), (0,), (2, 0, 3), (7,)], ids=str)
def test_numpy_arrays_of_every_allowed_dtype_and_shape_cross(dtype, shape):
    """Does an array of each whitelisted dtype, 0-d and empty ones too, arrive equal, as a plain ndarray?"""
    value = sample_array(dtype, shape)
    arrived = cross(value)
    assert type(arrived) is np.ndarray
    assert arrived.dtype == dtype and arrived.shape == shape
    assert np.array_equal(arrived, value)


def test_extreme_float_and_integer_values_survive_in_arrays():
    """Do nan, infinities, -0.0 and the extremes of uint64/int64 keep their bits inside arrays?"""
    floats = np.array([np.nan, np.inf, -np.inf, -0.0, np.finfo(np.float64).tiny], dtype=np.float64)
    ints = np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max], dtype=np.int64)
    unsigned = np.array([0, np.iinfo(np.uint64).max], dtype=np.uint64)
    assert cross(floats).tobytes() == floats.tobytes()
    assert np.array_equal(cross(ints), ints) and np.array_equal(cross(unsigned), unsigned)


def test_non_contiguous_and_big_endian_arrays_arrive_as_plain_little_endian_copies():
    """Does a transposed view, or a '>f8' array, arrive with the same values in native order?"""
    base = np.arange(12, dtype=np.float32).reshape(3, 4)
    transposed = cross(base.T)
    assert np.array_equal(transposed, base.T) and transposed.flags.c_contiguous
    big = np.arange(5, dtype=">f8") / 3
    arrived = cross(big)
    assert arrived.dtype == np.dtype("<f8") and np.array_equal(arrived, big)


def test_arrived_arrays_are_writable_copies_not_views_of_the_message():
    """Can the judge change an arrived array (it owns a copy, not a view of the blob)?"""
    arrived = cross(np.zeros(3))
    arrived[0] = 5.0
    assert arrived.flags.writeable and arrived[0] == 5.0


@pytest.mark.parametrize("value", [
    np.bool_(True), np.int8(-3), np.int16(300), np.int32(-70000), np.int64(2**40), np.uint8(255),
    np.uint16(65535), np.uint32(2**32 - 1), np.uint64(2**64 - 1), np.float16(1.5), np.float32(0.1),
], ids=lambda v: type(v).__name__)
def test_numpy_scalars_keep_their_numpy_type(value):
    """Does a numpy scalar arrive as a numpy scalar of the same type and value?"""
    arrived = cross(value)
    assert type(arrived) is type(value)
    assert arrived == value


def test_a_numpy_float64_arrives_as_a_plain_float():
    """Does np.float64 (a subclass of float, so sent as its base type) arrive as an equal float?"""
    arrived = cross(np.float64(0.1))
    assert type(arrived) is float and arrived == 0.1


@pytest.mark.parametrize("dtype", ARRAY_DTYPES, ids=str)
def test_numpy_dtypes_cross(dtype):
    """Does each whitelisted numpy dtype arrive as the same dtype?"""
    assert cross(dtype) == dtype


# --- torch ----------------------------------------------------------------------------------------


TORCH_DTYPES = [getattr(torch, name) for name in wire.TENSOR_DTYPES]


@pytest.mark.parametrize("dtype", TORCH_DTYPES, ids=str)
@pytest.mark.parametrize("shape", [(2, 3), (), (0, 4)], ids=str)
def test_tensors_of_every_allowed_dtype_and_shape_cross(dtype, shape):
    """Does a tensor of each allowed dtype, 0-dim and empty ones too, arrive equal, as a plain Tensor?"""
    value = (torch.arange(int(np.prod(shape))) % 5).reshape(shape).to(dtype)
    arrived = cross(value)
    assert type(arrived) is torch.Tensor
    assert arrived.dtype == dtype and tuple(arrived.shape) == shape
    assert torch.equal(arrived, value)


def test_bfloat16_and_float16_values_survive_exactly():
    """Are half-precision values (bfloat16 travels as float32) the same numbers on arrival?"""
    for dtype in (torch.float16, torch.bfloat16):
        value = torch.tensor([0.1, -3.5, 65000.0 if dtype == torch.float16 else 1e30, float("inf")],
                             dtype=dtype)
        arrived = cross(value)
        assert arrived.dtype == dtype and torch.equal(arrived, value)


def test_requires_grad_is_kept_and_the_graph_is_not():
    """Does a tensor that requires grad arrive requiring grad, as a leaf with no history?"""
    leaf = torch.tensor([1.0, 2.0], requires_grad=True)
    computed = leaf * 3
    for value in (leaf, computed):
        arrived = cross(value)
        assert arrived.requires_grad and arrived.is_leaf and arrived.grad_fn is None
        assert torch.equal(arrived.detach(), value.detach())
    assert cross(torch.ones(2)).requires_grad is False


def test_a_parameter_arrives_as_a_plain_tensor():
    """Does an nn.Parameter arrive as a plain Tensor that requires grad?"""
    arrived = cross(torch.nn.Parameter(torch.ones(2, 2)))
    assert type(arrived) is torch.Tensor and arrived.requires_grad


def test_non_contiguous_tensors_cross():
    """Does a transposed tensor view arrive with the values it shows?"""
    value = torch.arange(6.0).reshape(2, 3).T
    assert torch.equal(cross(value), value)


def test_torch_size_arrives_as_an_equal_tuple():
    """Does a torch.Size (a tuple subclass) arrive as a plain tuple equal to it?"""
    arrived = cross(torch.Size([2, 3, 0]))
    assert type(arrived) is tuple and arrived == (2, 3, 0) == torch.Size([2, 3, 0])


@pytest.mark.parametrize("dtype", TORCH_DTYPES, ids=str)
def test_torch_dtypes_cross(dtype):
    """Does each allowed torch dtype arrive as the very same dtype object?"""
    assert cross(dtype) is dtype


def test_a_tensor_inside_containers_keeps_its_place_in_the_blob():
    """With several arrays and tensors in one message, does each get its own bytes?"""
    value = {"a": np.arange(3), "b": [torch.ones(2), (np.float32(2.5), torch.zeros(0))],
             "c": np.eye(2, dtype=np.float16)}
    arrived = cross(value)
    assert np.array_equal(arrived["a"], value["a"]) and np.array_equal(arrived["c"], value["c"])
    assert torch.equal(arrived["b"][0], value["b"][0]) and arrived["b"][1][0] == np.float32(2.5)
    assert arrived["b"][1][1].shape == (0,)


# --- objects that lie about themselves -------------------------------------------------------------


class LyingFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__

    def __float__(self):
        return 42.0

    def __repr__(self):
        return "42.0"


class LyingInt(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__

    def __index__(self):
        return 42

    def __int__(self):
        return 42


class LyingStr(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__

    def __str__(self):
        return "the expected answer"


class LyingList(list):
    def __iter__(self):
        return iter(["what the check wants"])

    def __len__(self):
        return 1


class LyingDict(dict):
    def items(self):
        return [("answer", 42)]


class LyingArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)

    def __array_function__(self, func, types, args, kwargs):
        return True  # np.allclose, np.array_equal, ... all say yes


class LyingTensor(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func in (torch.equal, torch.allclose, torch.Tensor.__eq__, torch.Tensor.eq):
            return True
        return super().__torch_function__(func, types, args, kwargs or {})


def test_a_float_subclass_that_equals_everything_arrives_as_its_true_float():
    """Does a float whose __eq__ is always True arrive as a plain float that compares honestly?"""
    arrived = cross(LyingFloat(1.5))
    assert type(arrived) is float and arrived == 1.5 and arrived != 42.0


def test_an_int_subclass_that_equals_everything_arrives_as_its_true_int():
    """Does an int whose __eq__ is always True (and that lies in __index__) arrive as its real value?"""
    arrived = cross(LyingInt(7))
    assert type(arrived) is int and arrived == 7 and arrived != 42


def test_a_str_subclass_that_equals_everything_arrives_as_its_true_text():
    """Does a str whose __eq__ is always True and whose __str__ lies arrive as its real characters?"""
    arrived = cross(LyingStr("wrong"))
    assert type(arrived) is str and arrived == "wrong"


def test_container_subclasses_are_sent_by_what_they_hold():
    """Do list and dict subclasses with lying __iter__/items arrive with their real contents?"""
    assert cross(LyingList([1, 2, 3])) == [1, 2, 3]
    assert cross(LyingDict({"real": 1})) == {"real": 1}
    keys = cross({LyingStr("k"): LyingFloat(2.0)})
    assert keys == {"k": 2.0} and type(next(iter(keys))) is str


def test_an_array_subclass_with_its_own_eq_and_allclose_arrives_as_a_plain_array():
    """Does an ndarray subclass that answers True to every comparison arrive as an honest ndarray?"""
    liar = np.arange(3.0).view(LyingArray)
    assert np.allclose(liar, [9.0, 9.0, 9.0]) is True  # what it would tell a check in place
    arrived = cross(liar)
    assert type(arrived) is np.ndarray
    assert not np.allclose(arrived, [9.0, 9.0, 9.0])
    assert np.array_equal(arrived, [0.0, 1.0, 2.0])


def test_a_tensor_subclass_with_torch_function_arrives_as_a_plain_tensor():
    """Does a Tensor subclass whose __torch_function__ says 'equal' to everything arrive honest?"""
    liar = torch.arange(3.0).as_subclass(LyingTensor)
    assert torch.equal(liar, torch.full((3,), 9.0)) is True  # what it would tell a check in place
    arrived = cross(liar)
    assert type(arrived) is torch.Tensor
    assert not torch.equal(arrived, torch.full((3,), 9.0))
    assert torch.equal(arrived, torch.arange(3.0))


# --- what is not plain data -------------------------------------------------------------------------


class Model:
    pass


NOT_PLAIN = [Model(), {1, 2}, frozenset(), 1 + 2j, b"bytes", bytearray(b"x"), print, Model,
             np.array([1 + 1j]), np.array([object()], dtype=object), np.array(["text"]),
             torch.tensor([1 + 1j])]


@pytest.mark.parametrize("value", NOT_PLAIN, ids=lambda v: type(v).__name__)
def test_non_plain_objects_are_refused_without_a_remember_hook(value):
    """Is an object that is not plain data a WireError when nobody may keep it (the judge's side)?"""
    with pytest.raises(WireError, match="not plain data"):
        wire.encode(value)


@pytest.mark.parametrize("value", NOT_PLAIN, ids=lambda v: type(v).__name__)
def test_non_plain_objects_become_remote_references_with_a_remember_hook(value):
    """With a remember hook (the student's side), does such an object travel as a $remote reference?"""
    kept = []

    def remember(obj):
        kept.append(obj)
        return {"id": len(kept), "type": type(obj).__name__, "callable": callable(obj)}

    arrived = cross([value], remember=remember)
    assert len(kept) == 1 and kept[0] is value
    assert arrived == [wire.RemoteRef(1, type(value).__name__, callable(value))]


@pytest.mark.parametrize("value", [torch.eye(2).to_sparse(), torch.empty(2, device="meta")],
                         ids=["sparse", "meta"])
def test_tensors_that_have_no_plain_bytes_become_remote_references(value):
    """Does a sparse or meta tensor (no strided bytes to send) travel as a $remote, like any non-plain object?"""
    arrived = cross(value, remember=lambda obj: {"id": 1, "type": "Tensor", "callable": False})
    assert arrived == wire.RemoteRef(1, "Tensor", False)


@pytest.mark.parametrize(("claimed", "shown"), [
    ("Evil <script>alert(1)</script>", "Evilscriptalert1script"),
    ("line\nbreak `backticks`", "linebreakbackticks"),
    ("x" * 200, "x" * 60),
    ("", "object"),
    ("!!!", "object"),
    ("torch.nn.Linear", "torch.nn.Linear"),
])
def test_a_remote_objects_type_name_is_cleaned_for_feedback(claimed, shown):
    """Is the type name a student process claims cut to identifier characters, at most 60 of them?"""
    arrived = cross(Model(), remember=lambda obj: {"id": 3, "type": claimed, "callable": False})
    assert arrived == wire.RemoteRef(3, shown, False)


@pytest.mark.parametrize("body", [
    {"id": "1", "type": "T", "callable": False},
    {"id": 1, "type": 5, "callable": False},
    {"id": 1, "type": "T", "callable": 1},
    {"id": True, "type": "T", "callable": False},
    {"type": "T", "callable": False},
])
def test_a_badly_described_remote_object_is_refused(body):
    """Is a $remote whose id, type or callable flag has the wrong JSON type a WireError?"""
    with pytest.raises(WireError):
        decode_raw({"$remote": body})


def test_integers_of_64_bits_or_more_are_refused_both_ways():
    """Is an int too large for 64 bits refused by the encoder and by the decoder?"""
    for number in (2**63, 2**64, -(2**64), 10**30):
        with pytest.raises(WireError, match="too large"):
            wire.encode(number)
        with pytest.raises(WireError, match="too large"):
            decode_raw([number])


def test_a_list_that_contains_itself_is_a_wire_error_not_a_recursion_error():
    """Does the encoder stop a self-containing list at the depth limit with a WireError?"""
    loop: list = []
    loop.append(loop)
    with pytest.raises(WireError, match="nested"):
        wire.encode(loop)


def test_the_encoder_counts_items_across_all_levels():
    """Is a value with more than MAX_ITEMS entries, spread over many lists, refused when encoding?"""
    with pytest.raises(WireError, match="items"):
        wire.encode([[0] * 1000 for _ in range(MAX_ITEMS // 1000)])


# --- the decoder refuses what the protocol does not allow ------------------------------------------


@pytest.mark.parametrize("document", [
    {"$unknown": 1},
    {"$pickle": "gASVAAAAAAAAAAA="},
    {"$tuple": "not a list"},
    {"$dict": {"a": 1}},
    {"$float": "NaN"},
    {"$float": 1.5},
    {"$ellipsis": False},
    {"$torch_dtype": "complex64"},
    {"$torch_dtype": "float"},
    {"$numpy_dtype": "|O"},
    {"$numpy_dtype": "<c16"},
    {"$numpy_dtype": "float64"},
    {"$array": "not a dict"},
    {},
    {"$tuple": [], "$dict": []},
    {"a": 1, "b": 2},
], ids=json.dumps)
def test_documents_that_are_not_tagged_values_are_refused(document):
    """Is an unknown tag, a tag with the wrong body, or a dict without exactly one key a WireError?"""
    with pytest.raises(WireError):
        decode_raw(document)


@pytest.mark.parametrize("document", [
    {"$torch_dtype": []},
    {"$numpy_dtype": [1]},
    array_document(["<f8"], [1], 0, 8),
    {"$tensor": {"dtype": ["float32"], "shape": [], "offset": 0, "nbytes": 4, "requires_grad": False}},
], ids=json.dumps)
def test_an_unhashable_dtype_is_a_wire_error(document):
    """Is a dtype given as a JSON list (unhashable) a WireError like any other bad dtype?"""
    with pytest.raises(WireError):
        decode_raw(document, bytes(8))


def test_a_dict_entry_that_is_not_a_pair_is_refused():
    """Is a $dict entry with one or three members, or that is not a list, a WireError?"""
    for body in ([[1]], [[1, 2, 3]], ["ab"], [{"$tuple": [1, 2]}]):
        with pytest.raises(WireError, match="pair"):
            decode_raw({"$dict": body})


def test_an_unhashable_dict_key_is_refused():
    """Is a $dict whose key decodes to a list or an array a WireError rather than a TypeError?"""
    with pytest.raises(WireError, match="hashable"):
        decode_raw({"$dict": [[[1, 2], "value"]]})
    with pytest.raises(WireError, match="hashable"):
        decode_raw({"$dict": [[array_document("<f8", [1], 0, 8), 1]]}, bytes(8))


@pytest.mark.parametrize(("shape", "offset", "nbytes", "blob_size"), [
    ([2], 0, 8, 16),        # two float64 need 16 bytes, not 8
    ([2], 0, 24, 24),       # nor 24
    ([2], 8, 16, 16),       # offset + nbytes past the blob
    ([2], 100, 16, 16),     # offset far past the blob
    ([2], -8, 16, 16),      # negative offset
    ([2], 0, -16, 16),      # negative byte count
    ([-2], 0, 16, 16),      # negative dimension
    ([2.0], 0, 16, 16),     # non-integer dimension
    ([True, True], 0, 8, 16),  # booleans are not dimensions
    ([2**40], 0, 16, 16),   # a dimension past the cap
    ([1] * 33, 0, 8, 8),    # too many dimensions
    ("2", 0, 16, 16),       # shape not a list
    ([2], "0", 16, 16),     # offset not an int
    ([2], 0, 16.0, 16),     # byte count not an int
    ([2**30, 2**30], 0, 16, 16),  # a huge shape over a few bytes
])
def test_array_descriptions_that_do_not_match_the_blob_are_refused(shape, offset, nbytes, blob_size):
    """Is an array whose shape, offset or byte count disagree with each other or the blob a WireError?"""
    with pytest.raises(WireError):
        decode_raw(array_document("<f8", shape, offset, nbytes), bytes(blob_size))


@pytest.mark.parametrize("shape", [[2**39, 2**39, 0], [0, 2**39, 2**39, 2**39]])
def test_an_empty_array_whose_shape_numpy_cannot_build_is_a_wire_error(shape):
    """Does a shape numpy itself refuses (it raises a plain ValueError) end as the one error a
    message may cause, so no reply can take a grading down with another?"""
    with pytest.raises(WireError, match="cannot be built"):
        decode_raw(array_document("<f8", shape, 0, 0), b"")


def test_an_answer_with_more_array_entries_than_the_judge_takes_is_refused():
    """Is an answer whose arrays hold more entries than ``max_elements`` refused while decoding,
    before any float64 copy of it is made?"""
    data = wire.encode([np.zeros(6, dtype=np.int8), np.zeros(6, dtype=np.int8)])
    document, blob = wire.read_frame(reader_of(data))
    assert len(wire.decode(document, blob, max_elements=12)) == 2
    with pytest.raises(WireError, match="more than 11 entries"):
        wire.decode(document, blob, max_elements=11)


def test_a_frame_larger_than_the_readers_own_cap_is_refused_before_it_is_read():
    asked = []
    read = reader_of(wire.encode(np.zeros(100)))

    def read_exactly(size):
        asked.append(size)
        return read(size)

    with pytest.raises(WireError, match="larger"):
        wire.read_frame(read_exactly, max_bytes=500)
    assert asked == [wire.HEADER.size]


def test_a_missing_array_field_is_refused():
    """Is an array description without its shape, offset or byte count a WireError?"""
    for missing in ("shape", "offset", "nbytes", "dtype"):
        body = {"dtype": "<f8", "shape": [1], "offset": 0, "nbytes": 8}
        del body[missing]
        with pytest.raises(WireError):
            decode_raw({"$array": body}, bytes(8))


@pytest.mark.parametrize("dtype", ["|O", "<c16", "<c8", ">f8", ">i4", "<U1", "|S1", "<M8[s]", "<V8",
                                   "float64", "f8", "<f16", "|b2", None, 7])
def test_array_dtypes_outside_the_whitelist_are_refused(dtype):
    """Is an array of object, complex, big-endian, string, datetime or unknown dtype a WireError?"""
    with pytest.raises(WireError, match="may not cross"):
        decode_raw(array_document(dtype, [1], 0, 8), bytes(16))


def test_a_scalar_with_a_shape_is_refused():
    """Is a numpy scalar described with a non-empty shape a WireError?"""
    with pytest.raises(WireError, match="scalar"):
        decode_raw(array_document("<f8", [1], 0, 8, scalar=True), bytes(8))


@pytest.mark.parametrize("body", [
    {"dtype": "complex64", "shape": [1], "offset": 0, "nbytes": 8, "requires_grad": False},
    {"dtype": "float32", "shape": [1], "offset": 0, "nbytes": 4},
    {"dtype": "float32", "shape": [1], "offset": 0, "nbytes": 4, "requires_grad": 1},
    {"dtype": "float32", "shape": [2], "offset": 0, "nbytes": 4, "requires_grad": False},
    {"dtype": "float32", "shape": [1], "offset": 6, "nbytes": 4, "requires_grad": False},
    {"dtype": "<f4", "shape": [1], "offset": 0, "nbytes": 4, "requires_grad": False},
])
def test_bad_tensor_descriptions_are_refused(body):
    """Is a tensor with a foreign dtype, no or a non-bool requires_grad, or wrong bytes a WireError?"""
    with pytest.raises(WireError):
        decode_raw({"$tensor": body}, bytes(8))


def test_a_requires_grad_flag_on_an_integer_tensor_is_ignored():
    """Does an integer tensor claiming requires_grad arrive without it (torch forbids it) instead of failing?"""
    arrived = decode_raw({"$tensor": {"dtype": "int64", "shape": [1], "offset": 0, "nbytes": 8,
                                      "requires_grad": True}}, bytes(8))
    assert arrived.dtype == torch.int64 and not arrived.requires_grad


def test_nesting_deeper_than_max_depth_is_refused():
    """Is a document nested more than MAX_DEPTH levels a WireError, while MAX_DEPTH itself is fine?"""
    def nested(levels):
        document = 0
        for _ in range(levels):
            document = [document]
        return document

    assert decode_raw(nested(MAX_DEPTH)) == nested(MAX_DEPTH)
    with pytest.raises(WireError, match="nested"):
        decode_raw(nested(MAX_DEPTH + 1))
    deep_tuples = {"$tuple": []}
    for _ in range(MAX_DEPTH + 1):
        deep_tuples = {"$tuple": [deep_tuples]}
    with pytest.raises(WireError, match="nested"):
        decode_raw(deep_tuples)


def test_more_than_max_items_in_one_message_is_refused_even_when_spread_out():
    """Is a message with more than MAX_ITEMS entries over all its lists, tuples and dicts refused?"""
    with pytest.raises(WireError, match="items"):
        decode_raw([0] * (MAX_ITEMS + 1))
    half = MAX_ITEMS // 2
    with pytest.raises(WireError, match="items"):
        decode_raw([[0] * half, {"$tuple": [0] * half}])
    assert len(decode_raw([0] * (MAX_ITEMS - 1))) == MAX_ITEMS - 1


def test_strings_longer_than_the_limit_are_refused_by_the_decoder():
    """Is a string far past MAX_STRING_CHARS (which the encoder would have cut) a WireError?"""
    with pytest.raises(WireError, match="too long"):
        decode_raw(["y" * (MAX_STRING_CHARS + 11)])
    assert decode_raw(["y" * (MAX_STRING_CHARS + 6)])[0].startswith("y")


# --- framing -----------------------------------------------------------------------------------------


def test_a_frame_is_a_header_json_then_the_blob():
    """Is a frame exactly the two lengths, the compact JSON text and the blob's bytes?"""
    data = wire.encode({"a": np.array([1.0])})
    text_size, blob_size = wire.HEADER.unpack(data[:8])
    assert blob_size == 8 and len(data) == 8 + text_size + blob_size
    assert json.loads(data[8:8 + text_size]) == {"$dict": [["a", {"$array": {
        "dtype": "<f8", "shape": [1], "offset": 0, "nbytes": 8}}]]}
    assert data[8 + text_size:] == np.array([1.0]).tobytes()


@pytest.mark.parametrize(("text_size", "blob_size"), [
    (wire.MAX_JSON_BYTES + 1, 0), (0, wire.MAX_BLOB_BYTES + 1), (2**32 - 1, 2**32 - 1),
])
def test_a_header_announcing_an_oversized_frame_is_refused_before_reading_it(text_size, blob_size):
    """Is a header whose lengths pass the caps refused at once, without waiting for that many bytes?"""
    asked = []
    read = reader_of(wire.HEADER.pack(text_size, blob_size))

    def read_exactly(size):
        asked.append(size)
        return read(size)

    with pytest.raises(WireError, match="larger"):
        wire.read_frame(read_exactly)
    assert asked == [wire.HEADER.size]


def test_the_sender_refuses_to_build_an_oversized_frame(monkeypatch):
    """Does frame() refuse a JSON text or blob larger than the channel's caps?"""
    monkeypatch.setattr(wire, "MAX_JSON_BYTES", 100)
    with pytest.raises(WireError, match="larger"):
        wire.frame(["z" * 200], b"")
    monkeypatch.setattr(wire, "MAX_BLOB_BYTES", 10)
    with pytest.raises(WireError, match="larger"):
        wire.frame(None, bytes(11))
    with pytest.raises(WireError, match="larger"):
        wire.encode(np.zeros(2))


@pytest.mark.parametrize("text", [b"{not json", b"\xff\xfe\x00", b"[1, 2", b"", b"\xc3\x28"])
def test_invalid_json_or_utf8_is_a_wire_error(text):
    """Is a frame whose text is not UTF-8 JSON a WireError?"""
    with pytest.raises(WireError, match="not valid JSON"):
        wire.read_frame(reader_of(wire.HEADER.pack(len(text), 0) + text))


def test_json_nested_too_deep_for_the_parser_is_a_wire_error():
    """Is JSON nested deeper than Python's parser can go a WireError, not a RecursionError?"""
    text = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(WireError, match="not valid JSON"):
        wire.read_frame(reader_of(wire.HEADER.pack(len(text), 0) + text))


def test_a_truncated_frame_ends_with_eof():
    """Does a frame cut short raise the reader's EOFError (the channel closed) rather than decode?"""
    data = wire.encode([1, 2, 3])
    for cut in (3, 8, len(data) - 1):
        with pytest.raises(EOFError):
            wire.read_frame(reader_of(data[:cut]))


def test_frames_can_follow_each_other_on_one_stream():
    """Does a reader of a stream holding two frames get both, each with its own blob?"""
    read = reader_of(wire.encode(np.arange(3)) + wire.encode("second"))
    first = wire.decode(*wire.read_frame(read))
    second = wire.decode(*wire.read_frame(read))
    assert np.array_equal(first, np.arange(3)) and second == "second"


# --- references -------------------------------------------------------------------------------------


def test_a_students_dict_with_tag_like_keys_stays_a_dict():
    """Can a student's dict with keys like "$ref" or "$name" pass for a tag? (It must not.)"""
    looked_up = []

    def refs(identity):
        looked_up.append(identity)
        return "an object of the student process"

    value = {"$ref": 1, "$name": "secret", "$remote": {"id": 1, "type": "T", "callable": True},
             "$tuple": [1]}
    arrived = cross(value, refs=refs, names=lambda name: looked_up.append(name))
    assert arrived == value and looked_up == []


def test_refs_and_names_resolve_only_through_the_callbacks():
    """Do $ref and $name decode to what the callbacks give, and are they refused without them?"""
    encoder = wire.Encoder()
    document = encoder.encode([wire.Ref(4), wire.NameRef("net")])
    assert document == [{"$ref": 4}, {"$name": "net"}]
    arrived = wire.decode(document, b"", refs=lambda i: f"object {i}", names=lambda n: f"name {n}")
    assert arrived == ["object 4", "name net"]
    with pytest.raises(WireError, match="unknown value tag"):
        wire.decode({"$ref": 4}, b"")
    with pytest.raises(WireError, match="unknown value tag"):
        wire.decode({"$name": "net"}, b"")


@pytest.mark.parametrize("document", [{"$ref": "4"}, {"$ref": True}, {"$ref": 4.0}, {"$name": 4},
                                      {"$name": ["net"]}])
def test_refs_and_names_of_the_wrong_json_type_are_refused(document):
    """Is a $ref that is not an int, or a $name that is not a string, a WireError even with callbacks?"""
    with pytest.raises(WireError):
        wire.decode(document, b"", refs=lambda i: i, names=lambda n: n)


def test_the_refer_hook_sends_known_objects_back_as_references():
    """Does the judge's refer hook turn a proxy into a $ref, and refuse other objects?"""
    proxy, stranger = object(), object()
    encoder = wire.Encoder(refer=lambda value: wire.Ref(9) if value is proxy else None)
    assert encoder.encode({"model": proxy}) == {"$dict": [["model", {"$ref": 9}]]}
    with pytest.raises(WireError, match="not plain data"):
        encoder.encode(stranger)
