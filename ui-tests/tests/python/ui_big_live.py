# A running trace that grows past 500 spans: its live updates become deltas.
import time

import nbtrace


@nbtrace.trace(span_type="TOOL")
def step(i):
    time.sleep(0.004)
    return {"i": i, "text": "x" * 200}


with nbtrace.start_span("big_agent", span_type="AGENT"):
    for i in range(900):
        step(i)
