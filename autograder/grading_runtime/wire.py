"""The channel between the judge and the student process: plain data, never code.

A message is one frame: an 8-byte header (the length of a JSON text and of a byte blob, as
two big-endian unsigned 32-bit numbers), the JSON text, then the blob. Values travel as
JSON; numeric arrays and tensors travel as raw little-endian bytes in the blob, described in
the JSON by a dtype from a fixed list and a shape. There is no pickle anywhere: decoding a
message builds only ``None``, booleans, numbers, strings, lists, tuples, dicts, numpy arrays
and scalars, plain ``torch.Tensor``s, ``Ellipsis`` and dtypes, so an object that lies about
itself (a float whose ``__eq__`` is always true, an array subclass with its own ``allclose``)
arrives as the plain value it claimed to be, or not at all.

Every JSON object in a message is a tagged value (``{"$tuple": [...]}``, ``{"$dict":
[[key, value], ...]}``, ...), so a student's dict with a key like ``"$ref"`` cannot pass for
one. Objects that are not plain data stay in the student process: they travel as a
reference the judge can call and inspect (``$remote``), and back as ``$ref``.

The decoder trusts nothing: sizes are capped, dtypes whitelisted, byte counts checked
against shapes, nesting depth bounded. Anything else is a :class:`WireError`.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import numpy.typing as npt

HEADER = struct.Struct(">II")
MAX_JSON_BYTES = 16 * 1024 * 1024
MAX_BLOB_BYTES = 128 * 1024 * 1024
MAX_DEPTH = 40
MAX_ITEMS = 200_000  # list, tuple and dict entries in one message, all levels together
MAX_STRING_CHARS = 1_000_000  # one string (a cell's source, an answer); longer ones are cut
# What the judge accepts in one answer from the student process: far above what any honest
# answer here needs (the largest are a few hundred kilobytes), and small enough that decoding
# it and comparing it in float64 keeps the judge within its memory.
MAX_ANSWER_BYTES = 16 * 1024 * 1024
MAX_ANSWER_ELEMENTS = 4_000_000  # array entries in one answer, all arrays together
MAX_INT_BITS = 64  # larger Python ints are refused: no honest answer here needs one

# numpy dtypes that may cross, by their little-endian string. Booleans and numbers only.
ARRAY_DTYPES = {np.dtype(name).str: np.dtype(name) for name in (
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64",
)}
# torch dtypes by name, and how their values travel (bfloat16 has no numpy twin: as float32).
TENSOR_DTYPES = {
    "bool": "|b1", "uint8": "|u1", "int8": "|i1", "int16": "<i2", "int32": "<i4", "int64": "<i8",
    "float16": "<f2", "bfloat16": "<f4", "float32": "<f4", "float64": "<f8",
}


class WireError(ValueError):
    """A message that is not what the protocol allows."""


@dataclass(frozen=True)
class RemoteRef:
    """An object that lives in the student process, as the judge sees it."""

    id: int
    type_name: str  # what the student process says the object's type is: for messages only
    callable: bool


@dataclass(frozen=True)
class Ref:
    """A reference the judge sends back to the student process (``$ref``)."""

    id: int


@dataclass(frozen=True)
class NameRef:
    """One of the notebook's names, sent by the judge to mean the object it names (``$name``)."""

    name: str


# --- framing ----------------------------------------------------------------------------------


def frame(document: Any, blob: bytes) -> bytes:
    text = json.dumps(document, allow_nan=False, separators=(",", ":")).encode("utf-8")
    if len(text) > MAX_JSON_BYTES or len(blob) > MAX_BLOB_BYTES:
        raise WireError("the message is larger than the channel allows")
    return HEADER.pack(len(text), len(blob)) + text + blob


def read_frame(read_exactly: Callable[[int], bytes], max_bytes: int | None = None) -> tuple[Any, bytes]:
    """One frame from ``read_exactly(n)``, which returns exactly ``n`` bytes or raises ``EOFError``;
    a frame larger than the channel allows, or than ``max_bytes``, is refused before it is read."""
    text_size, blob_size = HEADER.unpack(read_exactly(HEADER.size))
    if text_size > MAX_JSON_BYTES or blob_size > MAX_BLOB_BYTES or (
            max_bytes is not None and text_size + blob_size > max_bytes):
        raise WireError(f"a message of {text_size + blob_size} bytes is larger than the channel allows")
    text = read_exactly(text_size)
    blob = read_exactly(blob_size)
    try:
        document = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise WireError(f"the message is not valid JSON ({type(error).__name__})") from None
    return document, blob


# --- encoding ---------------------------------------------------------------------------------


class Encoder:
    """Turns a value into JSON-ready data and a blob.

    ``remember`` decides what happens to a value that is not plain data: the student side
    keeps the object and returns a ``$remote`` description of it; the judge side has none and
    refuses, since the judge sends only plain data and, through ``refer``, references to
    objects that already live in the student process.
    """

    def __init__(self, remember: Callable[[Any], dict[str, Any]] | None = None,
                 refer: Callable[[Any], Ref | NameRef | None] | None = None):
        self._remember = remember
        self._refer = refer  # the judge's proxies of student objects travel back as references
        self._chunks: list[bytes] = []
        self._size = 0
        self._items = 0

    def blob(self) -> bytes:
        return b"".join(self._chunks)

    def _bytes(self, data: bytes) -> dict[str, int]:
        offset = self._size
        self._chunks.append(data)
        self._size += len(data)
        if self._size > MAX_BLOB_BYTES:
            raise WireError("the arrays in this value are larger than the channel allows")
        return {"offset": offset, "nbytes": len(data)}

    def _count(self, n: int) -> None:
        self._items += n
        if self._items > MAX_ITEMS:
            raise WireError(f"the value holds more than {MAX_ITEMS} items")

    def encode(self, value: Any, depth: int = 0) -> Any:
        """JSON-ready data for ``value``. A subclass of a plain type (a float that overrides
        ``__eq__``, an array subclass) is sent as the plain value of its base type."""
        if depth > MAX_DEPTH:
            raise WireError(f"the value is nested more than {MAX_DEPTH} levels deep")
        if value is None or value is True or value is False:
            return value
        if value is Ellipsis:
            return {"$ellipsis": True}
        if isinstance(value, Ref):
            return {"$ref": value.id}
        if isinstance(value, NameRef):
            return {"$name": value.name}
        if isinstance(value, bool):
            return bool.__bool__(value)
        if isinstance(value, int):
            number = int.__index__(value)
            if number.bit_length() >= MAX_INT_BITS:
                raise WireError("an integer is too large to send")
            return number
        if isinstance(value, float):
            real = float.__float__(value)
            return real if math.isfinite(real) else {"$float": repr(real)}
        if isinstance(value, str):
            text = str.__str__(value)
            return text if len(text) <= MAX_STRING_CHARS else text[:MAX_STRING_CHARS] + " [cut]"
        if isinstance(value, (list, tuple)):
            items = list(list.__iter__(value) if isinstance(value, list) else tuple.__iter__(value))
            self._count(len(items))
            encoded = [self.encode(item, depth + 1) for item in items]
            return encoded if isinstance(value, list) else {"$tuple": encoded}
        if isinstance(value, dict):
            pairs = list(dict.items(value))
            self._count(len(pairs))
            return {"$dict": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in pairs]}
        plain = self._numeric(value)
        if plain is not None:
            return plain
        return self._other(value, depth)

    def _numeric(self, value: Any) -> dict[str, Any] | None:
        if isinstance(value, (np.ndarray, np.generic)):
            array = np.ndarray.view(value, np.ndarray) if isinstance(value, np.ndarray) else np.asarray(value)
            little = array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype
            if little.str not in ARRAY_DTYPES:
                return None
            data = np.asarray(array, dtype=little, order="C")
            described = {"dtype": data.dtype.str, "shape": list(data.shape), **self._bytes(data.tobytes())}
            if isinstance(value, np.generic):
                described["scalar"] = True
            return {"$array": described}
        torch = _torch()
        if torch is not None and isinstance(value, torch.Tensor):
            try:
                with torch._C.DisableTorchFunctionSubclass():
                    tensor = value.as_subclass(torch.Tensor).detach()
                    name = str(tensor.dtype).removeprefix("torch.")
                    if (name not in TENSOR_DTYPES or tensor.layout is not torch.strided
                            or tensor.is_nested or tensor.device.type == "meta"):
                        return None  # sparse, nested, meta: an object, not numbers
                    if tensor.device.type != "cpu":
                        tensor = tensor.cpu()
                    if name == "bfloat16":
                        tensor = tensor.float()
                    array = np.asarray(tensor.numpy(), dtype=np.dtype(TENSOR_DTYPES[name]), order="C")
            except (RuntimeError, NotImplementedError, TypeError, ValueError):
                return None  # a tensor torch itself cannot turn into numbers
            return {"$tensor": {"dtype": name, "shape": list(array.shape),
                                "requires_grad": bool(value.requires_grad), **self._bytes(array.tobytes())}}
        return None

    def _other(self, value: Any, depth: int) -> Any:
        torch = _torch()
        if torch is not None and isinstance(value, torch.dtype):
            return {"$torch_dtype": str(value).removeprefix("torch.")}
        if isinstance(value, np.dtype):
            return {"$numpy_dtype": np.dtype(value).str}
        reference = self._refer(value) if self._refer is not None else None
        if reference is not None:
            return self.encode(reference, depth)
        if self._remember is None:
            raise WireError(f"a {type(value).__name__} is not plain data")
        return {"$remote": self._remember(value)}


def _torch() -> Any:
    import sys

    return sys.modules.get("torch")


def encode(value: Any, remember: Callable[[Any], dict[str, Any]] | None = None) -> bytes:
    """One frame holding ``value``."""
    encoder = Encoder(remember)
    document = encoder.encode(value)
    return frame(document, encoder.blob())


# --- decoding ---------------------------------------------------------------------------------


class Decoder:
    """Builds plain values from a decoded JSON document and its blob, checking everything.

    ``tensors``: make ``$tensor`` values torch tensors (the judge and the student side both
    have torch); otherwise numpy arrays.
    """

    def __init__(self, blob: bytes, *, refs: Callable[[int], Any] | None = None,
                 names: Callable[[str], Any] | None = None, max_elements: int | None = None):
        self._blob = memoryview(blob)
        self._refs = refs
        self._names = names
        self._items = 0
        self._elements = 0
        self._max_elements = max_elements

    def decode(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise WireError(f"a value is nested more than {MAX_DEPTH} levels deep")
        kind = type(value)
        if value is None or kind is bool or kind is float:
            return value
        if kind is int:
            if value.bit_length() >= MAX_INT_BITS:
                raise WireError("an integer is too large")
            return value
        if kind is str:
            if len(value) > MAX_STRING_CHARS + 10:
                raise WireError("a string is too long")
            return value
        if kind is list:
            self._count(len(value))
            return [self.decode(item, depth + 1) for item in value]
        if kind is not dict or len(value) != 1:
            raise WireError(f"unexpected {kind.__name__} in a message")
        (tag, body), = value.items()
        if tag == "$tuple" and type(body) is list:
            self._count(len(body))
            return tuple(self.decode(item, depth + 1) for item in body)
        if tag == "$dict" and type(body) is list:
            self._count(len(body))
            pairs = {}
            for pair in body:
                if type(pair) is not list or len(pair) != 2:
                    raise WireError("a dict entry is not a pair")
                key = self.decode(pair[0], depth + 1)
                try:
                    hash(key)
                except TypeError:
                    raise WireError("a dict key is not hashable") from None
                pairs[key] = self.decode(pair[1], depth + 1)
            return pairs
        if tag == "$float" and body in ("nan", "inf", "-inf"):
            return float(body)
        if tag == "$ellipsis" and body is True:
            return Ellipsis
        if tag == "$array" and type(body) is dict:
            return self._array(body)
        if tag == "$tensor" and type(body) is dict:
            return self._tensor(body)
        if tag == "$torch_dtype" and type(body) is str and body in TENSOR_DTYPES:
            return getattr(_torch(), body)
        if tag == "$numpy_dtype" and type(body) is str and body in ARRAY_DTYPES:
            return ARRAY_DTYPES[body]
        if tag == "$remote" and type(body) is dict:
            return self._remote(body)
        if tag == "$ref" and type(body) is int and self._refs is not None:
            return self._refs(body)
        if tag == "$name" and type(body) is str and self._names is not None:
            return self._names(body)
        raise WireError(f"unknown value tag {tag!r}")

    def _count(self, n: int) -> None:
        self._items += n
        if self._items > MAX_ITEMS:
            raise WireError(f"a message holds more than {MAX_ITEMS} items")

    def _bytes(self, body: dict[str, Any], dtype: np.dtype[Any]) -> npt.NDArray[Any]:
        shape, offset, nbytes = body.get("shape"), body.get("offset"), body.get("nbytes")
        if (type(shape) is not list or len(shape) > 32
                or not all(type(n) is int and 0 <= n < 2**40 for n in shape)
                or type(offset) is not int or type(nbytes) is not int or offset < 0 or nbytes < 0):
            raise WireError("an array is badly described")
        count = math.prod(shape)
        if count * dtype.itemsize != nbytes or offset + nbytes > len(self._blob):
            raise WireError("an array's bytes do not match its shape")
        self._elements += count
        if self._max_elements is not None and self._elements > self._max_elements:
            raise WireError(f"the arrays of a message hold more than {self._max_elements} entries")
        flat = np.frombuffer(self._blob[offset:offset + nbytes], dtype=dtype, count=count)
        return flat.reshape(shape).copy()

    def _array(self, body: dict[str, Any]) -> Any:
        name = body.get("dtype")
        dtype = ARRAY_DTYPES.get(name) if type(name) is str else None
        if dtype is None:
            raise WireError(f"dtype {body.get('dtype')!r} may not cross the channel")
        array = self._bytes(body, dtype)
        if body.get("scalar") is True:
            if array.shape != ():
                raise WireError("a scalar with a shape")
            return array[()]
        return array

    def _tensor(self, body: dict[str, Any]) -> Any:
        torch = _torch()
        name = body.get("dtype")
        if (torch is None or type(name) is not str or name not in TENSOR_DTYPES
                or type(body.get("requires_grad")) is not bool):
            raise WireError(f"tensor dtype {name!r} may not cross the channel")
        array = self._bytes(body, np.dtype(TENSOR_DTYPES[name]))
        tensor = torch.from_numpy(array)
        if name == "bfloat16":
            tensor = tensor.to(torch.bfloat16)
        if body["requires_grad"] and tensor.is_floating_point():
            tensor.requires_grad_(True)
        return tensor

    def _remote(self, body: dict[str, Any]) -> RemoteRef:
        identity, type_name, is_callable = body.get("id"), body.get("type"), body.get("callable")
        if type(identity) is not int or type(type_name) is not str or type(is_callable) is not bool:
            raise WireError("a remote object is badly described")
        return RemoteRef(identity, _clean_name(type_name), is_callable)


def _clean_name(name: str) -> str:
    """A type name fit to quote in feedback: identifier characters, at most 60 of them."""
    kept = "".join(c for c in name if c.isalnum() or c in "_.")[:60]
    return kept or "object"


def decode(document: Any, blob: bytes, *, refs: Callable[[int], Any] | None = None,
           names: Callable[[str], Any] | None = None, max_elements: int | None = None) -> Any:
    """The value ``document`` and ``blob`` describe. Whatever goes wrong on the way (numpy or
    torch refusing a shape, a reference the other side does not know) is a :class:`WireError`:
    the one error a message can cause."""
    try:
        return Decoder(blob, refs=refs, names=names, max_elements=max_elements).decode(document)
    except WireError:
        raise
    except Exception as error:  # noqa: BLE001 - a message must not end its reader with anything else
        raise WireError(f"a value that cannot be built ({type(error).__name__})") from None
