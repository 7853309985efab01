"""For tests/list/list-contract.test.ts: the same 8 traces as two trace-list payloads,
made by the real Python path: all whole, and all summaries (a budget of 0 bytes).
Prints ``{"whole": <payload>, "summaries": <payload>}``."""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nbtrace  # noqa: E402
from nbtrace._notebook.list_bundle import ListPayload  # noqa: E402

MODELS = ["gpt-4o", "claude-sonnet-4-5", "gpt-4o-mini", "an-unknown-model"]


def run(i):
    with nbtrace.start_span(f"agent-{i}", span_type="AGENT") as root:
        root.set_inputs({"question": f"q{i}"})
        for j in range(1 + i % 2):
            with nbtrace.start_span("chat", span_type="CHAT_MODEL") as chat:
                chat.set_attributes({"mlflow.llm.model": MODELS[(i + j) % 4],
                                     "mlflow.chat.tokenUsage": {"input_tokens": 100 * (i + 1), "output_tokens": 7 + j,
                                                                "total_tokens": 100 * (i + 1) + 7 + j}})
                if i == 5:
                    chat.set_attributes({"mlflow.llm.cost": {"input_cost": 0.25, "output_cost": 0.25, "total_cost": 0.5}})
        with nbtrace.start_span("lookup", span_type="TOOL") as tool:
            if i % 3 == 2:
                tool.set_status("ERROR", "boom")
                root.set_status("ERROR", "the tool failed")


nbtrace.configure(display=False)
for i in range(8):
    run(i)
docs = nbtrace.last_traces(8)
out = {}
for key, budget in (("whole", 10**9), ("summaries", 0)):
    p = ListPayload(full_bytes=budget)
    for d in docs:
        p.add(d)
    out[key] = p.payload()
print(json.dumps(out))
