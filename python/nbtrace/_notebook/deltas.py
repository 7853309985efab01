"""Live updates of a big trace as deltas: O(changed spans) per message, not O(trace).

While a cell runs, a trace's output is updated in place ~10 times a second. For a
trace of thousands of spans, re-sending every span each time makes the kernel
pack megabytes per update (and the browser parse them). So, like a video stream,
updates are *keyframes* (the whole trace dict) and *deltas* (the trace's ``info``
plus only the spans whose dict changed since the previous publish: new spans,
spans that ended or changed, and the running ones, which are rebuilt each time):

* a trace under :data:`DELTA_MIN_SPANS` spans is always sent whole (small: deltas
  would save nothing), as is the first display and the final state, so the saved
  notebook holds the whole trace exactly as before;
* every publish carries a sequence number; a delta names the publish it follows
  (``base``). The renderer (``src/model/formats/live-docs.ts``) applies a delta only on
  top of that publish and otherwise waits for the next keyframe, which comes at
  least every :data:`KEYFRAME_EVERY` publishes (a page reloaded mid-run catches up);
* a publish that failed is followed by a keyframe.

Why deltas through the same display output rather than a comm: the update path,
the throttling, the cell routing and the final saved output stay exactly as
they are, nothing needs a comm target on the page, and an output without nbtrace
still gets the ``text/plain`` summary of every update.
"""
from __future__ import annotations

from typing import Any

from .bundle import MIME_TYPE

DELTA_MIN_SPANS = 500  # smaller traces are sent whole every time
KEYFRAME_EVERY = 50  # at least one whole trace per this many publishes
DELTA_KEY = "nbtrace_delta"  # a delta's marker and header
LIVE_KEY = "nbtrace_live"  # a running trace's keyframe: its sequence number


def span_key(span: dict) -> Any:
    return span.get("span_id")


class LiveDeltas:
    """Per-trace state of the delta stream (``LiveState.deltas``); not thread-safe:
    used under the trace's publish lock."""

    __slots__ = ("seq", "sent", "since_keyframe")

    def __init__(self) -> None:
        self.seq = 0  # the last publish's sequence number
        self.sent: dict | None = None  # span key -> the span dict the last publish sent
        self.since_keyframe = 0

    def shape(self, bundle: dict, final: bool) -> dict:
        """The bundle to publish for ``bundle`` (a whole-trace bundle): itself when
        final or small, a keyframe, or a delta."""
        doc = bundle.get(MIME_TYPE)
        spans = doc.get("data", {}).get("spans") if isinstance(doc, dict) else None
        if final or not isinstance(spans, list) or len(spans) < DELTA_MIN_SPANS:
            self.sent = None  # nothing to build on: the next big update is a keyframe
            return bundle
        self.seq += 1
        sent = self.sent
        self.sent = {span_key(s): s for s in spans}
        if sent is None or self.since_keyframe + 1 >= KEYFRAME_EVERY or len(self.sent) != len(spans):
            self.since_keyframe = 0
            return {**bundle, MIME_TYPE: {**doc, LIVE_KEY: {"seq": self.seq}}}
        self.since_keyframe += 1
        changed = [s for s in spans if sent.get(span_key(s)) is not s]
        delta = {
            DELTA_KEY: {"seq": self.seq, "base": self.seq - 1, "span_count": len(spans)},
            "info": doc["info"],
            "data": {"spans": changed},
        }
        return {**bundle, MIME_TYPE: delta}

    def failed(self) -> None:
        """The last publish did not get out: the next one must be whole."""
        self.sent = None
