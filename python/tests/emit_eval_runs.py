"""Emit two evaluation runs and their comparison as JSON, for the TypeScript
side's tests (tests/eval-contract.test.ts): the results view must read what
``nbtrace.evaluate`` displays, and compute the same improved / regressed rows
as the Python side. Offline, deterministic apart from timings and ids.

    python python/tests/emit_eval_runs.py > runs.json
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # import nbtrace from this source tree

import nbtrace  # noqa: E402
from nbtrace import scorers  # noqa: E402
from nbtrace._eval.compare import compare_documents  # noqa: E402
from nbtrace._eval.display import comparison_bundle, run_bundle  # noqa: E402

GOLDEN = [
    {"inputs": {"question": "capital of France?"}, "expectations": {"expected_facts": ["Paris"]}},
    {"inputs": {"question": "capital of Italy?"}, "expectations": {"expected_facts": ["Rome"]}},
    {"inputs": {"question": "capital of Spain?"}, "expectations": {"expected_facts": ["Madrid"]}},
    {"inputs": {"question": "capital of Peru?"}, "expectations": {"expected_facts": ["Lima"]}},
    {"inputs": {"question": "<script>alert(1)</script> capital of Chad?"}, "expectations": {"expected_facts": ["N'Djamena"]}},
]


def main() -> None:
    nbtrace.configure(display=False)
    v1_answers = {"France": "Paris", "Italy": "Rome", "Spain": "Barcelona", "Peru": "Lima", "Chad?": "N'Djamena"}
    v2_answers = {**v1_answers, "Spain": "Madrid", "Peru": "Cusco"}

    def make(answers, slow=False):
        @nbtrace.trace(span_type="AGENT")
        def agent(question):
            key = next(k for k in answers if k.rstrip("?") in question)
            with nbtrace.start_span("llm", span_type="CHAT_MODEL") as span:
                span.set_token_usage(input_tokens=20, output_tokens=5 if not slow else 50)
            if "Italy" in question and slow:
                raise TimeoutError("the model timed out")
            return f"The capital is {answers[key]}."
        return agent

    s1 = [scorers.contains(), scorers.no_errors()]
    v1 = nbtrace.evaluate(GOLDEN, make(v1_answers), s1, name="v1", repetitions=2)
    v2 = nbtrace.evaluate(GOLDEN[1:] + [{"inputs": {"question": "capital of Japan?"}, "expectations": {}}],
                          make({**v2_answers, "Japan": "Tokyo"}, slow=True), s1 + [scorers.tokens_under(60)],
                          name="v2")
    a, b = v1.document(), v2.document()
    print(json.dumps({"a": run_bundle(a), "b": run_bundle(b), "comparison": comparison_bundle(a, b),
                      "python": compare_documents(a, b)}, default=str))


if __name__ == "__main__":
    main()
