"""The trace-list payload of the browser benchmark (bench/list.js), made by the
real nbtrace: N traced agent runs (agent → retrieve, chat with a model and token
counts, and a tool call; one in 9 failing), recorded with display off, then put in
one list output exactly as ``nbtrace.show(traces)`` does (``list_bundle``: whole
traces up to its 2 MB bound, the rest as summaries).

    .venv/bin/python bench/python/list_payload.py 10000 OUT.json

Prints ``{"traces": N, "whole": W, "summaries": S, "bytes": B}``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

import nbtrace  # noqa: E402
from nbtrace._notebook.list_bundle import LIST_MIME_TYPE, list_bundle  # noqa: E402

MODELS = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "gemini-2.5-flash"]


def run(i: int) -> None:
    with nbtrace.start_span(f"agent-{i % 50}", span_type="AGENT") as root:
        root.set_inputs({"question": f"question number {i} about topic {i % 37}"})
        with nbtrace.start_span("retrieve", span_type="RETRIEVER") as r:
            r.set_outputs([{"id": f"doc-{i % 101}", "score": 0.5}])
        with nbtrace.start_span("chat", span_type="CHAT_MODEL") as chat:
            chat.set_attributes({"mlflow.llm.model": MODELS[i % len(MODELS)],
                                 "mlflow.chat.tokenUsage": {"input_tokens": 200 + (i * 37) % 1500,
                                                            "output_tokens": 20 + i % 180,
                                                            "total_tokens": 220 + (i * 37) % 1500 + i % 180}})
        with nbtrace.start_span("search_web", span_type="TOOL") as tool:
            if i % 9 == 4:
                tool.set_status("ERROR", "TimeoutError: search took too long")
                root.set_status("ERROR", "the tool failed")
        root.set_outputs(f"answer {i}")


def main() -> None:
    n, out = int(sys.argv[1]), Path(sys.argv[2])
    nbtrace.configure(display=False, max_traces=n)
    for i in range(n):
        run(i)
    docs = nbtrace.last_traces(n)
    payload = list_bundle(docs)[LIST_MIME_TYPE]
    text = json.dumps(payload)
    out.write_text(text)
    print(json.dumps({"traces": n, "whole": len(payload["traces"]), "summaries": len(payload.get("summaries", [])),
                      "bytes": len(text)}))


if __name__ == "__main__":
    main()
