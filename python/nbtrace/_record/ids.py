"""Trace and span ids: random, non-zero, OpenTelemetry-sized (128 / 64 bits).

They come from a private RNG (user code calling ``random.seed()`` must not make
ids collide), seeded from the OS and reseeded in forked children. ``Span``
draws its 64-bit id with ``getrandbits(64) or 1`` inline (the hot path).
"""
from __future__ import annotations

import os
import random

_rng = random.Random(os.urandom(32))
getrandbits = _rng.getrandbits
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=lambda: _rng.seed(os.urandom(32)))


def new_trace_id() -> int:
    """A random non-zero 128-bit trace id."""
    return getrandbits(128) or 1
