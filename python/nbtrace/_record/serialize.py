"""Turn arbitrary Python values into bounded, JSON-safe data — without ever raising.

``to_jsonable(value)`` returns only ``dict``/``list``/``str``/``int``/``float``/
``bool``/``None`` (finite floats, UTF-8-encodable strings), so the result can go
through ``json.dumps(..., allow_nan=False)`` and Jupyter's message serializer.

Limits keep memory bounded, and every cut says so in the value itself (a
``…[truncated 12 chars]``-style marker, never silently): one value's JSON takes
about ``MAX_VALUE_CHARS`` characters at most (``nbtrace.configure(max_value_chars=)``,
default 100,000), strings (and ``repr`` fallbacks) are
cut to ``MAX_STR_LEN`` characters (the same setting), containers to ``MAX_ITEMS``
entries, nesting to ``MAX_DEPTH`` levels, and one conversion visits at most
``MAX_NODES`` values. Cycles become ``"<cycle: list>"``-style markers; NaN and
infinities become the strings ``"NaN"`` / ``"Infinity"`` / ``"-Infinity"``; lone
surrogates are escaped (the text must be valid UTF-8 on the wire).

Speed: :func:`dumps` first checks (one cheap walk, no copy) whether a value is
already "plain" JSON data that :func:`to_jsonable` would return unchanged —
exact ``dict`` (``str`` keys) / ``list`` / ``tuple`` / ``str`` / ``int`` / ``float``
/ ``bool`` / ``None`` within all the limits above — and if so encodes it directly
with a reused C encoder. Anything else takes the general path; the output is
the same either way.
"""
from __future__ import annotations

import collections
import dataclasses
import datetime
import enum
import json
import math
from collections.abc import Mapping
from json.encoder import encode_basestring as _encode_str
from typing import Any

from .. import _settings
from .json_text import encode as _encode, encode_plain as _encode_plain
from .._util import (MISSING, big_int_text, more_text, repr_text, safe_len, truncate_text,
                    type_name, unique_key, utf8_text, via_protocol)

DEFAULT_MAX_VALUE_CHARS = _settings.DEFAULTS.max_value_chars
# Caches of nbtrace.configure(max_value_chars=) for the hot path (the limits module sets them).
MAX_STR_LEN = DEFAULT_MAX_VALUE_CHARS  # longest string kept
MAX_VALUE_CHARS = DEFAULT_MAX_VALUE_CHARS  # about the most JSON characters of one value
MAX_ITEMS = 2_000
MAX_DEPTH = 32
MAX_NODES = 50_000

_SEQUENCE_TYPES = (list, tuple, set, frozenset, collections.deque)


def set_max_value_chars(limit: int) -> None:
    """Record at most about ``limit`` characters of JSON per value (inputs, outputs,
    one attribute, one event's attributes); longer values are cut with a marker."""
    global MAX_STR_LEN, MAX_VALUE_CHARS
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError("nbtrace.configure: max_value_chars must be a whole number >= 1")
    MAX_STR_LEN = MAX_VALUE_CHARS = int(limit)


def truncate(text: str, limit: int | None = None) -> str:
    """Cut ``text`` to ``limit`` characters (default ``MAX_STR_LEN``), appending a
    marker saying how much was cut."""
    return truncate_text(text, MAX_STR_LEN if limit is None else limit)


def _clean_str(text: str, limit: int | None = None) -> str:
    """Plain ``str``, valid UTF-8, cut to ``limit`` (default ``MAX_STR_LEN``)."""
    return utf8_text(text, MAX_STR_LEN if limit is None else limit)


def safe_repr(obj: Any, limit: int | None = None) -> str:
    """``repr(obj)``, bounded (default ``MAX_STR_LEN``); a placeholder if ``repr`` fails."""
    return repr_text(obj, MAX_STR_LEN if limit is None else limit)


def _key(k: Any) -> str:
    if isinstance(k, str):
        return _clean_str(k, 1_000)
    if isinstance(k, (bool, type(None))):
        return json.dumps(k)
    if isinstance(k, int) and k.bit_length() > 3_000:
        return big_int_text(k)
    if isinstance(k, (int, float)):
        try:
            return _clean_str(str(k), 1_000)
        except Exception:
            return safe_repr(k, 1_000)
    return safe_repr(k, 1_000)


class _Converter:
    """One conversion: counts the values visited (``MAX_NODES``), the JSON
    characters still allowed (``MAX_VALUE_CHARS``, roughly: each string costs its
    length and quotes, each entry its separators) and the containers on the current path
    (cycles). Whatever is cut leaves a marker saying so."""

    __slots__ = ("nodes", "path", "budget")

    def __init__(self, max_chars: int | None = None) -> None:
        self.nodes = 0
        self.path: set = set()  # ids of containers on the current path (cycle check)
        self.budget = MAX_VALUE_CHARS if max_chars is None else max_chars

    def convert(self, obj: Any, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            return "…[value too large, truncated]"
        try:
            return self._convert(obj, depth)
        except Exception:
            return self._text(safe_repr(obj, self._limit()))

    def _limit(self) -> int:
        """How long the next string may be."""
        budget = self.budget
        return MAX_STR_LEN if budget >= MAX_STR_LEN else (budget if budget > 0 else 0)

    def _text(self, text: str) -> str:
        out = _clean_str(text, self._limit())
        self.budget -= len(out) + 2  # (+ quotes)
        return out

    def _over(self, obj: Any, done: int, what: str) -> str:
        return f"{more_text(obj, done, what)} truncated: over max_value_chars={MAX_VALUE_CHARS}"

    def _convert(self, obj: Any, depth: int) -> Any:
        # Scalars first (exact types are the fast path).
        if obj is None or obj is True or obj is False:
            self.budget -= 5
            return obj
        if isinstance(obj, enum.Enum):
            return self.convert(obj.value, depth + 1)
        if isinstance(obj, str):
            return self._text(obj)
        if isinstance(obj, bool):
            self.budget -= 5
            return bool(obj)
        if isinstance(obj, int):
            value = int(obj)
            bits = value.bit_length()
            if bits > 3_000:
                return self._text(big_int_text(value))
            self.budget -= bits // 3 + 2
            return value
        if isinstance(obj, float):
            value = float(obj)
            self.budget -= 24
            if math.isfinite(value):
                return value
            return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        if isinstance(obj, (bytes, bytearray, memoryview)):
            limit = self._limit()
            size = len(obj) if not isinstance(obj, memoryview) else obj.nbytes
            raw = bytes(obj)[:limit] if size > limit else bytes(obj)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = repr(raw)
            text = _clean_str(text, limit * 4)
            self.budget -= len(text)
            return text if size <= limit else f"{text}…[truncated {size - limit} bytes]"
        if isinstance(obj, (datetime.datetime, datetime.date, datetime.time)):
            return self._text(obj.isoformat())
        if isinstance(obj, type):
            return self._text(safe_repr(obj, self._limit()))
        if depth >= MAX_DEPTH:
            return f"<{type_name(obj)}: max depth {MAX_DEPTH} reached>"

        oid = id(obj)
        if oid in self.path:
            return f"<cycle: {type_name(obj)}>"
        self.path.add(oid)
        try:
            return self._convert_compound(obj, depth)
        finally:
            self.path.discard(oid)

    def _convert_compound(self, obj: Any, depth: int) -> Any:
        if isinstance(obj, Mapping):
            out = {}
            for i, (k, v) in enumerate(obj.items()):
                if i >= MAX_ITEMS:
                    out["…"] = f"[{more_text(obj, i, 'entries')} truncated]"
                    break
                if self.nodes >= MAX_NODES:
                    out["…"] = "[value too large, truncated]"
                    break
                if self.budget <= 0:
                    out["…"] = f"[{self._over(obj, i, 'entries')}]"
                    break
                key = _key(k)
                if key in out:
                    key = unique_key(out, key, k)
                self.budget -= len(key) + 6  # '"key": ' and ', '
                out[key] = self.convert(v, depth + 1)
            return out
        if isinstance(obj, tuple) and hasattr(obj, "_asdict"):  # namedtuple
            return self.convert(dict(obj._asdict()), depth)
        if isinstance(obj, _SEQUENCE_TYPES):
            items = obj
            if isinstance(obj, (set, frozenset)):
                n = safe_len(obj)
                if n is not None and n <= MAX_ITEMS:
                    try:
                        items = sorted(obj)
                    except Exception:
                        items = list(obj)
            out_list = []
            for i, v in enumerate(items):
                if i >= MAX_ITEMS:
                    out_list.append(f"…[{more_text(obj, i, 'items')} truncated]")
                    break
                if self.nodes >= MAX_NODES:
                    out_list.append("…[value too large, truncated]")
                    break
                if self.budget <= 0:
                    out_list.append(f"…[{self._over(obj, i, 'items')}]")
                    break
                self.budget -= 2
                out_list.append(self.convert(v, depth + 1))
            return out_list
        if dataclasses.is_dataclass(obj):
            return self._dataclass(obj, depth)
        converted = via_protocol(obj, MAX_ITEMS)
        if converted is not _MISSING:
            return self.convert(converted, depth + 1)
        return self._text(safe_repr(obj, self._limit()))

    def _dataclass(self, obj: Any, depth: int) -> dict:
        """Field by field: one unreadable field does not cost the others."""
        out: dict = {}
        for f in dataclasses.fields(obj):
            if self.budget <= 0:
                out["…"] = f"[more fields truncated: over max_value_chars={MAX_VALUE_CHARS}]"
                break
            key = _clean_str(f.name, 1_000)
            self.budget -= len(key) + 6
            try:
                value = getattr(obj, f.name)
            except Exception as exc:
                out[key] = f"<unreadable field: {type_name(exc)}>"
                continue
            out[key] = self.convert(value, depth + 1)
        return out


_MISSING = MISSING  # (no conversion hook applied)


def to_jsonable(value: Any, max_chars: int | None = None) -> Any:
    """Bounded JSON-safe copy of ``value``: its JSON takes about ``max_chars``
    characters at most (default ``MAX_VALUE_CHARS``; pass ``sys.maxsize`` for a whole
    document, e.g. one given to ``nbtrace.show``). Never raises."""
    if type(value) is str and len(value) <= MAX_STR_LEN and value.isascii():
        return value  # the most common case (isascii() is O(1); ASCII has no surrogates)
    try:
        return _Converter(max_chars).convert(value, 0)
    except Exception:
        return safe_repr(value)


_INT_LIMIT = 1 << 3_000  # |i| < 2**3000  <=>  i.bit_length() <= 3000
_NEG_INT_LIMIT = -_INT_LIMIT  # (precomputed: negating a 3,000-bit int allocates)


def _utf8_ok(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _plain_nodes(obj: Any, depth: int = 0) -> int:
    """How many values ``obj`` holds if it is plain JSON data that :func:`to_jsonable`
    would return unchanged (so it can be encoded as is); -1 if it is not.

    Plain: exact ``str`` (at most MAX_STR_LEN chars, UTF-8-encodable), ``int``
    (at most 3,000 bits), finite ``float``, ``bool``, ``None``, and exact ``dict``
    (``str`` keys of at most 1,000 chars) / ``list`` / ``tuple`` (not a namedtuple)
    of at most MAX_ITEMS entries, nested less than MAX_DEPTH deep, MAX_NODES values
    in all. Subclasses, sets, bytes, objects, NaN, ... are not plain.
    """
    kind = type(obj)
    if kind is str:
        return 1 if len(obj) <= MAX_STR_LEN and (obj.isascii() or _utf8_ok(obj)) else -1
    if kind is int:
        return 1 if _NEG_INT_LIMIT < obj < _INT_LIMIT else -1
    if obj is None or kind is bool:
        return 1
    if kind is float:
        return 1 if obj - obj == 0.0 else -1  # finite (inf - inf and NaN are NaN)
    if depth >= MAX_DEPTH:
        return -1
    if kind is dict:
        return _plain_dict(obj, depth)
    if kind is list or kind is tuple:
        if len(obj) > MAX_ITEMS:
            return -1
        return _plain_items(obj, depth + 1)
    return -1


def _plain_dict(obj: dict, depth: int) -> int:
    """:func:`_plain_nodes` of an exact ``dict`` (less than MAX_DEPTH deep; inputs and
    outputs mostly are one): its keys, then its values."""
    if len(obj) > MAX_ITEMS:
        return -1
    for key in obj:
        if type(key) is not str or len(key) > 1_000 or not (key.isascii() or _utf8_ok(key)):
            return -1
    return _plain_items(obj.values(), depth + 1)


def _plain_items(items: Any, child: int) -> int:
    """Node count of a container's items (1 for the container itself), or -1 as for _plain_nodes."""
    count, limit = 1, MAX_NODES
    for item in items:
        kind = type(item)
        # Inline fast cases: this loop runs once per value of every traced input/output.
        if kind is str and item.isascii() and len(item) <= MAX_STR_LEN:
            count += 1
        elif item is None or kind is bool or (kind is int and _NEG_INT_LIMIT < item < _INT_LIMIT):
            count += 1
        else:
            n = _plain_nodes(item, child)
            if n < 0:
                return -1
            count += n
        if count > limit:
            return -1
    return count


def dumps(value: Any) -> str:
    """JSON text of ``to_jsonable(value)`` (non-ASCII kept). Never raises."""
    try:
        kind = type(value)
        if kind is dict:  # (most inputs and outputs)
            if not value:
                return "{}"  # e.g. the inputs of a function without parameters
            plain = _plain_dict(value, 0) > 0
        elif kind is str:  # fast paths for the common scalar cases
            if len(value) <= MAX_STR_LEN and value.isascii():
                return _encode_str(value)
            return _encode_str(_clean_str(value))
        elif value is None or kind is bool:
            return "null" if value is None else ("true" if value else "false")
        elif kind is int and value.bit_length() <= 3_000:
            return int.__repr__(value)
        else:
            plain = _plain_nodes(value) > 0
        if plain:
            try:
                text = _encode_plain(value)
                if len(text) <= MAX_VALUE_CHARS:
                    return text
            except Exception:  # e.g. mutated by another thread meanwhile
                pass  # (too long: the general path cuts it, with markers)
        return _encode(to_jsonable(value))
    except Exception:
        return json.dumps(f"<unserializable {type_name(value)} object>")


def dumps_jsonable(value: Any) -> str:
    """JSON text of a value that is already JSON-safe (e.g. from :func:`to_jsonable`)."""
    try:
        return _encode(value)
    except Exception:
        return dumps(value)
