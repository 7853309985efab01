"""Internal helpers: the "never break the user's code" machinery.

Every tracing-internal failure goes through :func:`report_internal_error`, which
warns **once per kind of failure** (a :class:`NbtraceWarning`) and never raises.
"""
from __future__ import annotations

import logging
import threading
import warnings

logger = logging.getLogger("nbtrace")


class NbtraceWarning(RuntimeWarning):
    """Emitted (once per kind) when nbtrace itself fails; the user's code is unaffected."""


_reported: set = set()
_reported_lock = threading.Lock()


def report_internal_error(kind: str, exc: BaseException | None = None) -> None:
    """Report a tracing-internal failure once per ``kind``; never raises."""
    try:
        with _reported_lock:
            if kind in _reported:
                first = False
            else:
                _reported.add(kind)
                first = True
        detail = f"{type(exc).__name__}: {exc}" if exc is not None else ""
        if first:
            if exc is not None:
                msg = f"nbtrace: {kind} failed ({detail}); tracing continues, your code is unaffected."
            else:
                msg = f"nbtrace: {kind}; your code is unaffected."
            warnings.warn(msg, NbtraceWarning, stacklevel=3)
        logger.debug("nbtrace internal error in %s: %s", kind, detail, exc_info=exc is not None)
    except Exception:  # pragma: no cover - absolutely never raise from here
        pass


def reset_reported_errors() -> None:
    """Forget which failures were already reported (used by tests)."""
    with _reported_lock:
        _reported.clear()
