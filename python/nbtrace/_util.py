"""Internal helpers: the "never break the user's code" machinery.

Every tracing-internal failure goes through :func:`report_internal_error`, which
warns **once per kind of failure** (a :class:`NbtraceWarning`) and never raises
(a ``KeyboardInterrupt`` / ``SystemExit`` is never caught anywhere in nbtrace: an
interrupt always reaches the user). The text helpers below never raise either:
they turn any object into bounded, valid-UTF-8 text for names, keys, messages and
the markers that say what was cut (the limits live in the serializer).
"""
from __future__ import annotations

import json
import logging
import threading
import warnings
from collections.abc import Mapping
from typing import Any

logger = logging.getLogger("nbtrace")

#: Distinct kinds of failure warned about; past this many, new kinds are only
#: logged (debug level), so a bug that varies its message cannot flood the output.
MAX_REPORTED_KINDS = 200


class NbtraceWarning(RuntimeWarning):
    """Emitted (once per kind) when nbtrace itself fails; the user's code is unaffected."""


_reported: set = set()
_reported_lock = threading.Lock()


def report_internal_error(kind: str, exc: BaseException | None = None) -> None:
    """Report a tracing-internal failure once per ``kind``; never raises."""
    try:
        kind = utf8_text(str(kind), 500)
        with _reported_lock:
            if kind in _reported or len(_reported) > MAX_REPORTED_KINDS:
                first = False
            else:
                _reported.add(kind)
                first = True
                if len(_reported) > MAX_REPORTED_KINDS:
                    kind = "many different internal errors (further ones are logged at debug level)"
        detail = f"{type(exc).__name__}: {repr_text(exc, 500)}" if exc is not None else ""
        if first:
            if exc is not None:
                msg = f"nbtrace: {kind} failed ({type(exc).__name__}: {_message(exc)}); " \
                      "tracing continues, your code is unaffected."
            else:
                msg = f"nbtrace: {kind}; your code is unaffected."
            warnings.warn(msg, NbtraceWarning, stacklevel=3)
        logger.debug("nbtrace internal error in %s: %s", kind, detail, exc_info=exc is not None)
    except Exception:  # pragma: no cover - absolutely never raise from here
        pass


def _message(exc: BaseException) -> str:
    try:
        return utf8_text(str(exc), 1_000)
    except Exception:
        return repr_text(exc, 1_000)


def reset_reported_errors() -> None:
    """Forget which failures were already reported (used by tests)."""
    with _reported_lock:
        _reported.clear()


# ---------------------------------------------------------------- safe text
def json_or_text(value: Any) -> Any:
    """A value that may be JSON text (as MLflow stores attributes): decoded if it
    parses, else as it is."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def truncate_text(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, appending a marker saying how much was cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…[truncated {len(text) - limit} chars]"


def utf8_text(text: str, limit: int) -> str:
    """A plain ``str`` (even for subclasses) that encodes as UTF-8 — lone surrogates
    would break Jupyter's messages — cut to ``limit`` characters."""
    text = str.__str__(text)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return truncate_text(text, limit)


def type_name(obj: Any) -> str:
    """``type(obj).__name__`` as safe text."""
    try:
        return utf8_text(type(obj).__name__, 200)
    except Exception:  # pragma: no cover - a metaclass with a broken __name__
        return "?"


def repr_text(obj: Any, limit: int) -> str:
    """``repr(obj)``, bounded; a placeholder if ``repr`` fails or returns a non-string."""
    try:
        text = repr(obj)
        if not isinstance(text, str):
            raise TypeError("__repr__ returned a non-string")
        return utf8_text(text, limit)
    except Exception:
        return f"<unrepresentable {type_name(obj)} object>"


def clean_text(value: Any, limit: int = 1_000) -> str:
    """``str(value)`` made fit for a name, key or message: never raises, valid UTF-8,
    at most ``limit`` characters plus a cut marker (``repr`` if ``str`` fails)."""
    if type(value) is str:
        if len(value) <= limit and value.isascii():
            return value
        return utf8_text(value, limit)
    try:
        text = str(value)
        if not isinstance(text, str):
            raise TypeError("__str__ returned a non-string")
    except Exception:
        return repr_text(value, limit)
    return utf8_text(text, limit)


def big_int_text(value: int) -> str:
    """An int too large to record as a number (JSON readers lose its precision, and
    Python refuses or takes long to print it): how big it is."""
    bits = value.bit_length()
    sign = "-" if value < 0 else ""
    return f"<int with {bits} bits: {sign}about 10^{int(bits * 0.30103)}, too large to record>"


def unique_key(out: dict, key: str, original: Any) -> str:
    """``key`` is taken in ``out`` (``1`` and ``"1"`` both give ``"1"``): a distinct one."""
    candidate = f"{key} ({type_name(original)})"
    n = 2
    while candidate in out:
        candidate = f"{key} ({type_name(original)} #{n})"
        n += 1
    return candidate


def safe_len(obj: Any) -> int | None:
    """``len(obj)``, or ``None`` if it fails."""
    try:
        n = len(obj)
        return n if isinstance(n, int) else None
    except Exception:
        return None


def more_text(obj: Any, done: int, what: str) -> str:
    """``"12 more items"`` (``"more items"`` when ``len(obj)`` fails)."""
    n = safe_len(obj)
    return f"{n - done} more {what}" if n is not None and n > done else f"more {what}"


# ---------------------------------------------------------------- conversion hooks
MISSING = object()  # via_protocol: no hook gave a usable value

_HOOKS = (
    ("model_dump", {"mode": "json"}, Mapping),  # pydantic v2
    ("model_dump", {}, Mapping),
    ("to_dict", {}, (Mapping, list)),
    ("tolist", {}, (list, tuple, int, float, bool, str)),  # numpy-like arrays
    ("item", {}, (int, float, bool, str)),  # numpy-like scalars
)


def via_protocol(obj: Any, max_items: int) -> Any:
    """The plain value an object's own conversion hook gives (pydantic ``model_dump``,
    ``to_dict``, numpy-like ``tolist`` / ``item``), or :data:`MISSING`. A hook that
    raises or returns something else is skipped; objects with more than
    ``max_items`` elements (``.size``) are not converted: their repr is a summary."""
    try:
        size = getattr(obj, "size", None)
    except Exception:
        size = None
    if isinstance(size, int) and not isinstance(size, bool) and size > max_items:
        return MISSING
    for name, kwargs, want in _HOOKS:
        try:
            method = getattr(obj, name, None)
            if not callable(method):
                continue
            result = method(**kwargs)
        except Exception:
            continue
        if isinstance(result, want):
            return result
    return MISSING
