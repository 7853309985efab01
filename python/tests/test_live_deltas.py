"""A big running trace's live updates: keyframes and deltas (``_notebook/deltas.py``).

The message of each update holds only the spans that changed since the previous
publish; the first display, every ``KEYFRAME_EVERY``-th publish and the final
state hold the whole trace; a small trace is always sent whole. The merge is
checked the way the renderer does it (``src/model/formats/live-docs.ts``): replay the
messages and compare with the whole trace.
"""
from nbtrace._notebook.deltas import DELTA_KEY, DELTA_MIN_SPANS, KEYFRAME_EVERY, LIVE_KEY, LiveDeltas
from test_live import Harness


def replay(docs):
    """What the renderer ends with after these messages (None: waiting for a keyframe)."""
    merged, seq = None, None
    for doc in docs:
        head = doc.get(DELTA_KEY)
        if head is None:
            merged = list(doc["data"]["spans"])
            seq = doc.get(LIVE_KEY, {}).get("seq")
            continue
        if merged is None or head["base"] != seq:
            merged = seq = None
            continue
        index = {s["span_id"]: i for i, s in enumerate(merged)}
        for s in doc["data"]["spans"]:
            if s["span_id"] in index:
                merged[index[s["span_id"]]] = s
            else:
                merged.append(s)
        assert len(merged) == head["span_count"]
        seq = head["seq"]
    return merged


def grow(h, n, every=1):
    """A root with ``n`` children, each started and ended; the clock moves so updates go out."""
    root = h.span("agent")
    for i in range(n):
        child = h.span(f"step {i}", parent=root)
        child.end()
        if i % every == 0:
            h.time.advance(0.2)
    return root


def test_updates_of_a_big_trace_carry_only_the_changed_spans():
    h = Harness(interval=0.1)
    root = grow(h, DELTA_MIN_SPANS + 40, every=10)
    docs = [doc for doc, *_ in h.published]
    deltas = [d for d in docs if DELTA_KEY in d]
    assert deltas, "a trace past DELTA_MIN_SPANS is updated in deltas"
    for d in deltas:
        # Ten spans started and ended between two updates, plus the running root.
        assert len(d["data"]["spans"]) <= 12
        assert d["info"]["state"] == "IN_PROGRESS"
    # Replaying the messages gives the trace as the last whole one would show it.
    # Replaying the messages gives the trace as of the last update, in the final order.
    merged = replay(docs)
    assert len(merged) == deltas[-1][DELTA_KEY]["span_count"]
    root.end()
    final = h.published[-1][0]
    assert DELTA_KEY not in final and LIVE_KEY not in final, "the saved output is the whole trace"
    assert len(final["data"]["spans"]) == DELTA_MIN_SPANS + 41
    assert [s["span_id"] for s in merged] == [s["span_id"] for s in final["data"]["spans"]][:len(merged)]
    # Ended spans are the same dicts in both: only what changed was rebuilt and sent.
    assert sum(a is b for a, b in zip(merged, final["data"]["spans"])) >= 0.99 * len(merged)


def test_a_small_trace_is_always_sent_whole():
    h = Harness(interval=0.1)
    grow(h, 50, every=5).end()
    assert all(DELTA_KEY not in doc and LIVE_KEY not in doc for doc, *_ in h.published)


def test_keyframes_come_back_regularly_and_after_a_failed_publish():
    deltas = LiveDeltas()
    spans = [{"span_id": f"s{i}"} for i in range(DELTA_MIN_SPANS)]
    bundle = lambda extra: {nbtrace_mime(): {"info": {}, "data": {"spans": spans + extra}}}  # noqa: E731
    kinds = []
    for i in range(2 * KEYFRAME_EVERY):
        out = deltas.shape(bundle([{"span_id": f"new{j}"} for j in range(i)]), final=False)[nbtrace_mime()]
        kinds.append("delta" if DELTA_KEY in out else "key")
    assert kinds[0] == "key" and kinds[KEYFRAME_EVERY] == "key"
    assert kinds.count("key") == 2
    deltas.failed()
    out = deltas.shape(bundle([]), final=False)[nbtrace_mime()]
    assert LIVE_KEY in out and DELTA_KEY not in out
    out = deltas.shape(bundle([]), final=True)[nbtrace_mime()]
    assert LIVE_KEY not in out and DELTA_KEY not in out


def nbtrace_mime():
    import nbtrace
    return nbtrace.MIME_TYPE
