"""Every setting of ``nbtrace.configure()``, once: one validated, immutable
:class:`Settings` (OpenTelemetry's ``SpanLimits`` is the model), the current
value, and the parts of nbtrace that follow it.

A leaf: it imports nothing of nbtrace, so every layer may read it. A change is
validated whole before anything changes (a bad value raises ``ValueError`` naming
``nbtrace.configure`` and leaves every setting as it was); then each subscriber
applies its part, on the caller's thread: the process-wide collector (traces
kept, spans per trace, the default session), the serializer (characters per value),
spans (events per span), the notebook display (on/off, live, update interval, traces
per cell) and the store writer (``store``: where finished traces are written).
Bundles read ``html_summary`` when they are built. Subscribers must not raise.
"""
from __future__ import annotations

import dataclasses
import os
import re
import threading
from typing import Any, Callable


def _whole(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"nbtrace.configure: {name} must be a whole number >= {minimum}")
    return int(value)


@dataclasses.dataclass(frozen=True)
class Settings:
    """What ``nbtrace.configure()`` sets (see its docstring for each field)."""

    #: Show traces in the notebook.
    display: bool = True
    #: Show a trace when its first span starts and update it in place while it runs.
    live: bool = True
    #: At most one live update per trace every this many seconds (0: on every change).
    update_interval: float = 0.1
    #: Finished traces kept in memory (``last_traces()``).
    max_traces: int = 100
    #: Traces one cell displays; later ones are counted in one "N more" line.
    max_traces_per_cell: int = 10
    #: Add the static ``text/html`` summary to each finished trace's output.
    html_summary: bool = True
    #: About the most characters of JSON recorded per value (inputs, outputs, one attribute).
    max_value_chars: int = 100_000
    #: Spans recorded per trace; later ones run but are only counted.
    max_spans_per_trace: int = 10_000
    #: Events recorded per span; later ones are only counted.
    max_events_per_span: int = 1_000
    #: Where finished traces are stored (``"sqlite:///<absolute path>"``, ``"jsonl:///<absolute folder>"``), or None.
    store: str | None = None
    #: The session (``mlflow.trace.session`` metadata) of traces started outside ``nbtrace.session()``, or None.
    session: str | None = None
    #: The user's price overrides (``nbtrace._documents.prices.normalize_prices``: USD per 1M tokens), or None.
    prices: Any = None

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (``None``: unchanged), every value validated first."""
        values = {k: v for k, v in changes.items() if v is not None}
        unknown = set(values) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise TypeError(f"nbtrace.configure: unknown setting(s) {sorted(unknown)}")
        if "max_traces" in values:
            if int(values["max_traces"]) < 1:
                raise ValueError("nbtrace.configure: max_traces must be at least 1")
            values["max_traces"] = int(values["max_traces"])
        if "max_traces_per_cell" in values:
            n = values["max_traces_per_cell"]
            if isinstance(n, bool) or int(n) != n or n < 0:
                raise ValueError("nbtrace.configure: max_traces_per_cell must be a whole number >= 0")
            values["max_traces_per_cell"] = int(n)
        if "update_interval" in values:
            interval = float(values["update_interval"])
            if not 0 <= interval < float("inf"):
                raise ValueError("nbtrace.configure: update_interval must be a number of seconds >= 0")
            values["update_interval"] = interval
        for name, minimum in (("max_value_chars", 1), ("max_spans_per_trace", 1), ("max_events_per_span", 0)):
            if name in values:
                values[name] = _whole(name, values[name], minimum)
        for name in ("display", "live", "html_summary"):
            if name in values:
                values[name] = bool(values[name])
        if "store" in values:  # ("" turns it off: None means "unchanged" here)
            values["store"] = store_location(values["store"])
        if "session" in values:
            values["session"] = session_name(values["session"], "nbtrace.configure: session")
        if "prices" in values:  # normalized by configure(); {} clears them (None means "unchanged" here)
            if not isinstance(values["prices"], dict):
                raise ValueError("nbtrace.configure: prices must be a dict (see nbtrace.configure)")
            values["prices"] = values["prices"] or None
        return dataclasses.replace(self, **values)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


STORE_FILE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
_STORE_HELP = ("'sqlite:///traces.db' (relative; 'sqlite:////abs/traces.db' absolute), 'jsonl:///folder', "
               "a path (a .db / .sqlite file, else a folder of JSONL files) or None (no store)")


def store_location(value: Any) -> str | None:
    """``configure(store=...)`` as ``"sqlite:///<absolute path>"`` or ``"jsonl:///<absolute
    folder>"`` (``""`` / ``False``: no store). After ``scheme:///`` comes the path, relative to
    the working directory unless it starts with ``/`` (SQLAlchemy's and MLflow's rule); a bare
    path names a SQLite file when it ends in .db / .sqlite / .sqlite3 or is an existing file,
    else a folder of JSONL files. Raises ``ValueError`` for anything else."""
    if value is False or value == "":
        return None
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        raise ValueError(f"nbtrace.configure: store must be {_STORE_HELP}; got {type(value).__name__}")
    kind = None
    for scheme in ("sqlite", "jsonl"):
        if value[:len(scheme) + 1].lower() == scheme + ":":
            rest = value[len(scheme) + 1:]
            if not rest.startswith("///"):
                raise ValueError(f"nbtrace.configure: store must be {_STORE_HELP}; got {value!r}")
            kind, value = scheme, rest[3:]
    if kind is None and re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", value):
        raise ValueError(f"nbtrace.configure: store {value!r} is not a local store: it must be {_STORE_HELP} "
                         "(to send traces to a server, use nbtrace.export)")
    if not value.strip() or value.strip() == ":memory:":
        raise ValueError(f"nbtrace.configure: store must be {_STORE_HELP}; got {value!r}")
    path = os.path.abspath(os.path.expanduser(value))
    if kind is None:
        kind = "sqlite" if path.lower().endswith(STORE_FILE_SUFFIXES) or os.path.isfile(path) else "jsonl"
    return f"{kind}:///{path}"


def session_name(value: Any, what: str) -> str | None:
    """A session name: a non-empty string up to 1,000 characters (``""``: none)."""
    if value == "":
        return None
    if not isinstance(value, str) or len(value) > 1_000:
        raise ValueError(f"{what} must be a string of at most 1,000 characters (or None)")
    return value


#: The defaults, for code that needs one of them before (or without) a change.
DEFAULTS = Settings()

_current = DEFAULTS
_subscribers: list = []
_lock = threading.Lock()


def current() -> Settings:
    """The settings in force."""
    return _current


def update(**changes: Any) -> Settings:
    """Validate ``changes`` (``None``: unchanged), then make them current and tell
    every subscriber; returns the new settings. Nothing changes if any value is bad."""
    global _current
    with _lock:
        new = _current.replace(**changes)
        _current = new
        subscribers = list(_subscribers)
    for fn in subscribers:
        fn(new)
    return new


def subscribe(fn: Callable[[Settings], None]) -> Callable[[], None]:
    """Call ``fn(settings)`` now and after every change; returns the unsubscribe function."""
    with _lock:
        _subscribers.append(fn)
    fn(_current)

    def unsubscribe() -> None:
        with _lock:
            if fn in _subscribers:
                _subscribers.remove(fn)

    return unsubscribe
