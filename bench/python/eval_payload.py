"""The evaluation payloads of the browser benchmark (bench/eval.js), made by the
real ``nbtrace.evaluate`` (no kernel, no display): a run of N records (a traced
agent of 4 spans per row, 4 scorers, one row in 20 failing a check, one in 100
raising), its live documents half-way (N/2 and N/2 + 1 rows done, exactly what
the live display publishes), and a second version compared with it.

    .venv/bin/python bench/python/eval_payload.py 1000 OUT.json

OUT.json: {"run": <eval MIME payload>, "live": [<payload>, <payload>],
"comparison": <payload>, "bytes": {...}}. Deterministic apart from timings and ids.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

import nbtrace  # noqa: E402
from nbtrace import scorers  # noqa: E402
from nbtrace._eval.display import comparison_bundle, run_bundle  # noqa: E402
from nbtrace._eval.runner import run_evaluation  # noqa: E402
from nbtrace._eval.run import EVAL_MIME_TYPE  # noqa: E402

CITIES = ["Kyoto", "Lisbon", "Oslo", "Rome", "Paris", "Lima", "Quito", "Hanoi", "Accra", "Perth"]
TOPICS = ["museums", "street food", "ferries", "temples", "night trains", "markets", "hikes", "festivals"]


def records(n: int) -> list:
    out = []
    for i in range(n):
        city, topic = CITIES[i % len(CITIES)], TOPICS[(i // len(CITIES)) % len(TOPICS)]
        out.append({"inputs": {"question": f"#{i}: what should I know about {topic} in {city}?"},
                    "expectations": {"expected_facts": [city, topic]}})
    return out


def agent(version: int):
    @nbtrace.trace(span_type="AGENT")
    def answer(question: str) -> str:
        n = int(question[1:question.index(":")])
        if n % 100 == 99:
            raise TimeoutError(f"the model timed out on row {n}")
        with nbtrace.start_span("retrieve", span_type="RETRIEVER") as span:
            span.set_inputs({"query": question})
            span.set_outputs([{"page_content": f"Passage {k} about {question}", "metadata": {"id": k}} for k in range(2)])
        with nbtrace.start_span("write_answer", span_type="CHAT_MODEL") as span:
            span.set_token_usage(input_tokens=120 + n % 40, output_tokens=30 + n % 15 + version * 3)
            words = question.split()
            city, topic = words[-1].rstrip("?"), " ".join(words[6:-2])
            lose = n % 20 == 7 + version  # one row in 20 forgets the topic; which one moves with the version
            text = f"In {city}, {'the usual sights' if lose else topic} are worth a look. " * 3
            span.set_outputs(text)
        return text
    return answer


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "bench" / "results" / "eval-payloads.tmp"
    nbtrace.configure(display=False)
    data = nbtrace.Dataset(records(n), name="bench-golden")
    checks = [scorers.contains(), scorers.no_errors(), scorers.latency_under(1000), scorers.tokens_under(200)]
    live: list = []

    def on_change(run) -> None:
        done = run.progress()["done"]
        if done in (n // 2, n // 2 + 1) and len(live) < 2 and all(d["progress"]["done"] != done for d in live):
            live.append(run.document(live=True))

    v1 = run_evaluation(data, agent(1), checks, name="v1", max_workers=1, repetitions=1, dry_run=None,
                        on_start=lambda run: None, on_change=on_change, measure=True)
    v2 = nbtrace.evaluate(data, agent(2), checks, name="v2", display=False)
    doc1 = v1.document()
    payloads = {
        "run": run_bundle(doc1)[EVAL_MIME_TYPE],
        "live": [run_bundle(d, final=False)[EVAL_MIME_TYPE] for d in live],
        "comparison": comparison_bundle(doc1, v2.document())[EVAL_MIME_TYPE],
    }
    payloads["bytes"] = {k: len(json.dumps(v)) for k, v in payloads.items()}
    payloads["rows"] = n
    out.write_text(json.dumps(payloads))
    print(json.dumps({"out": str(out), "rows": n, "bytes": payloads["bytes"],
                      "live_done": [d["progress"]["done"] for d in live]}))


if __name__ == "__main__":
    main()
