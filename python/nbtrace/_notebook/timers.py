"""The live display's timers: daemon ``threading.Timer``s that never keep the
interpreter alive, and one way to cancel the one a holder has armed."""
from __future__ import annotations

import threading
from typing import Any, Callable

from .._util import report_internal_error


def start_timer(delay: float, fn: Callable[[], None]) -> threading.Timer:
    """Run ``fn`` once after ``delay`` seconds on a daemon thread. Returns the timer
    (``.cancel()`` stops it)."""
    timer = threading.Timer(max(0.0, delay), fn)
    timer.daemon = True
    timer.name = "nbtrace-live-update"
    timer.start()
    return timer


def cancel_timer(holder: Any) -> None:
    """Cancel and forget ``holder.timer`` (a pending trailing update), if any. Never raises."""
    timer, holder.timer = holder.timer, None
    if timer is not None:
        try:
            timer.cancel()
        except Exception as exc:
            report_internal_error("cancelling a live display update", exc)
