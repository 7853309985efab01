"""A process that writes traces to a store, for test_store_processes.py.

    python store_child.py LOCATION COUNT [BARRIER]

waits until the file BARRIER exists (so two of them write at the same time), then
makes COUNT traces, writing each one before the next (one transaction each, so two
processes interleave), and prints how many are written so far after each one
(COUNT 0: forever — the test kills it).
"""
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # python/: nbtrace from source

import nbtrace  # noqa: E402


def main() -> None:
    location, count = sys.argv[1], int(sys.argv[2])
    barrier = sys.argv[3] if len(sys.argv) > 3 else None
    nbtrace.configure(store=location, display=False)
    while barrier and not os.path.exists(barrier):
        time.sleep(0.001)
    i = 0
    while count == 0 or i < count:
        with nbtrace.start_span(f"writer-{os.getpid()}", span_type="AGENT") as span:
            span.set_inputs({"i": i, "pid": os.getpid()})
            with nbtrace.start_span("chat", span_type="LLM", attributes={"mlflow.llm.model": "gpt-4o"}) as llm:
                llm.set_token_usage(i, 1)
        i += 1
        if not nbtrace.flush_store(30):
            sys.exit("the store did not keep up")
        print(i, flush=True)


if __name__ == "__main__":
    main()
