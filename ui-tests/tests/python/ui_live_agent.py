# A slow traced agent for the live UI test (~5 s): the trace must show while it runs.
import time

import nbtrace


@nbtrace.trace(span_type="TOOL")
def step(i):
    time.sleep(0.5)
    if i == 2:
        raise RuntimeError("step 2 failed")
    return i


@nbtrace.trace(name="slow_agent", span_type="AGENT")
def slow_agent():
    with nbtrace.start_span("plan", span_type="CHAIN"):
        with nbtrace.start_span("think", span_type="LLM"):
            # 'draft' sits at depth 3: it starts collapsed; the test expands it mid-run.
            with nbtrace.start_span("draft"):
                with nbtrace.start_span("outline"):
                    time.sleep(1.5)
    for i in range(6):
        try:
            step(i)
        except RuntimeError:
            pass
    return "done"


slow_agent()
