"""nbtrace.evaluate: rows, scores, metrics, assessments on the row traces,
errors isolated per row, threads and async giving whole separate traces, live
display of the results (never of the row traces), existing traces scored,
repetitions, save / load, pandas, and two runs compared."""
import asyncio
import json
import threading
import time

import pytest

import nbtrace
from nbtrace import scorers
from nbtrace._eval.run import EVAL_MIME_TYPE
from nbtrace._notebook.bundle import MIME_TYPE

GOLDEN = [
    {"inputs": {"question": "capital of France?"}, "expectations": {"expected_facts": ["Paris"]}},
    {"inputs": {"question": "capital of Italy?"}, "expectations": {"expected_facts": ["Rome"]}},
    {"inputs": {"question": "capital of Spain?"}, "expectations": {"expected_facts": ["Madrid"]}},
    {"inputs": {"question": "capital of Peru?"}, "expectations": {"expected_facts": ["Lima"]}},
]
ANSWERS = {"France": "Paris", "Italy": "Rome", "Spain": "Barcelona", "Peru": "Lima"}


@nbtrace.trace(span_type="AGENT")
def agent(question):
    with nbtrace.start_span("lookup", span_type="TOOL") as span:
        span.set_inputs({"question": question})
        country = question.split()[-1].rstrip("?")
        span.set_token_usage(input_tokens=10, output_tokens=2)
    return f"The capital is {ANSWERS[country]}."


def test_rows_scores_metrics_and_assessments():
    nbtrace.configure(display=False)
    result = nbtrace.evaluate(nbtrace.Dataset(GOLDEN, name="capitals"), agent,
                              [scorers.contains(), scorers.no_errors()], name="v1")
    assert result.name == "v1" and len(result.rows) == 4
    assert [r["status"] for r in result.rows] == ["done"] * 4
    assert [r["scores"]["contains"]["value"] for r in result.rows] == [True, True, False, True]
    assert result.rows[2]["scores"]["contains"]["rationale"] == "0 of 1 facts found; missing: Madrid"
    assert result.metrics["contains/pass_rate"] == 0.75
    assert result.metrics["no_errors/pass_rate"] == 1.0
    assert result.metrics["tokens/total"] == 4 * 12 and result.metrics["errors"] == 0
    assert result.dataset == {"name": "capitals", "digest": nbtrace.Dataset(GOLDEN).digest, "size": 4}
    row = result.rows[0]
    assert row["outputs"] == "The capital is Paris." and row["tokens"]["total_tokens"] == 12
    assert row["trace"]["info"]["trace_id"] == row["trace_id"]
    names = [s["name"] for s in row["trace"]["data"]["spans"]]
    assert names == ["agent", "lookup"]  # the decorated predict_fn is the root: no extra wrapper span
    (contains,) = [a for a in row["trace"]["info"]["assessments"] if a["assessment_name"] == "contains"]
    assert contains["feedback"] == {"value": True} and contains["source"] == {"source_type": "CODE",
                                                                              "source_id": "contains"}
    assert contains["trace_id"] == row["trace_id"] and contains["assessment_id"].startswith("a-")
    assert contains["rationale"] == "1 of 1 facts found"
    assert contains["metadata"] == {"mlflow.assessment.sourceRunId": result.id}  # MLflow's key for the run
    kept = {t["info"]["trace_id"]: t for t in nbtrace.last_traces()}
    assert len(kept[row["trace_id"]]["info"]["assessments"]) == 2  # the kept trace carries them too


def test_an_undecorated_predict_fn_is_traced_as_one_root():
    nbtrace.configure(display=False)

    def plain(question):
        return agent(question)

    result = nbtrace.evaluate(GOLDEN[:1], plain, [scorers.contains()])
    assert [s["name"] for s in result.rows[0]["trace"]["data"]["spans"]] == ["plain", "agent", "lookup"]


def test_errors_in_predict_fn_and_in_scorers_stay_in_their_row():
    nbtrace.configure(display=False)

    def flaky(question):
        if "Italy" in question:
            raise ConnectionError("model down")
        return ANSWERS[question.split()[-1].rstrip("?")]

    def picky(outputs):
        if outputs == "Lima":
            raise ValueError("cannot judge Lima")
        return len(outputs) > 5

    result = nbtrace.evaluate(GOLDEN, flaky, [scorers.contains(), picky])
    statuses = [r["status"] for r in result.rows]
    assert statuses == ["done", "error", "done", "done"]
    assert result.rows[1]["error"] == "ConnectionError: model down" and result.rows[1]["scores"] == {}
    assert result.rows[1]["trace"]["info"]["state"] == "ERROR"  # the row's trace shows the failure
    assert result.rows[3]["scores"]["picky"] == {"value": None, "rationale": None,
                                                 "error": "ValueError: cannot judge Lima", "source": "CODE"}
    assert result.rows[3]["scores"]["contains"]["value"] is True
    assert result.metrics["errors"] == 1
    assert result.metrics["picky/pass_rate"] == 0.5  # Paris no (5 letters), Barcelona yes; Lima's error left out


def test_threads_give_whole_separate_traces_per_row():
    nbtrace.configure(display=False, max_traces=500)
    seen_threads = set()

    @nbtrace.trace
    def slow_agent(question):
        seen_threads.add(threading.get_ident())
        with nbtrace.start_span("think"):
            time.sleep(0.02)
            with nbtrace.start_span("deeper"):
                time.sleep(0.01)
        return question

    many = [{"inputs": {"question": f"q{i}"}, "expectations": {}} for i in range(16)]
    with nbtrace.start_span("caller"):  # evaluate inside a span: rows are still traces of their own
        result = nbtrace.evaluate(many, slow_agent, [], max_workers=4)
    assert len(seen_threads) > 1
    ids = [r["trace_id"] for r in result.rows]
    assert len(set(ids)) == 16
    for i, row in enumerate(result.rows):
        spans = row["trace"]["data"]["spans"]
        assert [s["name"] for s in spans] == ["slow_agent", "think", "deeper"]
        assert json.loads(spans[0]["attributes"]["mlflow.spanInputs"]) == {"question": f"q{i}"}
        by_id = {s["span_id"]: s for s in spans}
        assert spans[0]["parent_span_id"] is None
        assert by_id[spans[2]["parent_span_id"]]["name"] == "think"


def test_async_predict_fn():
    nbtrace.configure(display=False)

    @nbtrace.trace
    async def async_agent(question):
        await asyncio.sleep(0.01)
        with nbtrace.start_span("inner"):
            await asyncio.sleep(0)
        return ANSWERS[question.split()[-1].rstrip("?")]

    result = nbtrace.evaluate(GOLDEN, async_agent, [scorers.contains()], max_workers=2)
    assert [r["outputs"] for r in result.rows] == ["Paris", "Rome", "Barcelona", "Lima"]
    assert all([s["name"] for s in r["trace"]["data"]["spans"]] == ["async_agent", "inner"] for r in result.rows)

    async def undecorated(question):
        return question.upper()

    row = nbtrace.evaluate(GOLDEN[:1], undecorated, []).rows[0]
    assert row["outputs"] == "CAPITAL OF FRANCE?" and row["trace"]["data"]["spans"][0]["name"] == "undecorated"


def test_live_display_shows_the_table_not_the_row_traces(displayed):
    result = nbtrace.evaluate(GOLDEN, agent, [scorers.contains()], name="live", max_workers=2)
    assert displayed, "the results are displayed"
    assert all(MIME_TYPE not in bundle for bundle, _, _ in displayed)  # no row trace of its own
    assert {display_id for _, display_id, _ in displayed} == {f"nbtrace-eval-{result.id}"}
    assert displayed[0][2] is False and all(update for _, _, update in displayed[1:])
    first = displayed[0][0][EVAL_MIME_TYPE]
    assert first["version"] == 1 and first["kind"] == "run" and first["run"]["state"] == "RUNNING"
    final = displayed[-1][0]
    run = final[EVAL_MIME_TYPE]["run"]
    assert run["state"] == "DONE" and run["progress"]["done"] == 4 and run["metrics"]["contains/pass_rate"] == 0.75
    assert all(row["trace"]["info"]["trace_id"] == row["trace_id"] for row in run["rows"])
    assert final["text/plain"].startswith("<nbtrace eval 'live' · 4 rows · contains 75%")
    assert "<table>" in final["text/html"] and "<script" not in final["text/html"]
    assert "text/html" not in displayed[0][0]  # the static summary is for the saved (final) state


def test_existing_traces_are_scored_without_running_anything():
    nbtrace.configure(display=False)
    for item in GOLDEN:
        agent(**item["inputs"])
    traces = nbtrace.last_traces(4)
    result = nbtrace.evaluate(traces, scorers=[scorers.regex(r"Paris|Rome|Lima"), scorers.tokens_under(11)])
    assert result.name == "scored traces" and [r["status"] for r in result.rows] == ["done"] * 4
    assert [r["scores"]["regex"]["value"] for r in result.rows] == [True, True, False, True]
    assert [r["inputs"] for r in result.rows] == [g["inputs"] for g in GOLDEN]
    assert all(r["scores"]["tokens_under:11"]["value"] is False for r in result.rows)
    again = {t["info"]["trace_id"]: t for t in nbtrace.last_traces(4)}
    assert all(len(again[r["trace_id"]]["info"]["assessments"]) == 2 for r in result.rows)
    with pytest.raises(ValueError, match="row 0 is a record, not a trace"):
        nbtrace.evaluate(GOLDEN, scorers=[scorers.no_errors()])


def test_repetitions_dry_run_and_validation():
    nbtrace.configure(display=False)
    result = nbtrace.evaluate(GOLDEN, agent, [scorers.contains()], repetitions=2)
    assert [(r["index"], r["repetition"]) for r in result.rows] == [(i, k) for i in range(4) for k in range(2)]
    assert len({r["trace_id"] for r in result.rows}) == 8
    assert len(nbtrace.evaluate(GOLDEN, agent, [], dry_run=2).rows) == 2
    assert nbtrace.evaluate(GOLDEN, agent, [], dry_run=True).document()["dry_run"] is True
    with pytest.raises(ValueError, match="max_workers"):
        nbtrace.evaluate(GOLDEN, agent, [], max_workers=0)
    with pytest.raises(ValueError, match="two scorers share a name"):
        nbtrace.evaluate(GOLDEN, agent, [scorers.contains(), scorers.contains()])


def test_save_load_and_pandas(tmp_path):
    nbtrace.configure(display=False)
    result = nbtrace.evaluate(GOLDEN, agent, [scorers.contains()], name="v1")
    path = result.save(tmp_path / "v1.jsonl")
    lines = (tmp_path / "v1.jsonl").read_text().splitlines()
    assert len(lines) == 5 and json.loads(lines[0])["nbtrace"] == "nbtrace.eval"
    back = nbtrace.EvalResult.load(path)
    assert back.document() == json.loads(json.dumps(result.document()))
    assert back.metrics == result.metrics and back.rows[0]["trace"] == result.rows[0]["trace"]
    frame = result.to_pandas()
    assert list(frame["contains/value"]) == [True, True, False, True]
    assert {"record_id", "inputs", "outputs", "latency_ms", "tokens", "trace_id"} <= set(frame.columns)
    with pytest.raises(ValueError, match="not a saved nbtrace evaluation"):
        (tmp_path / "x.jsonl").write_text('{"a": 1}\n')
        nbtrace.EvalResult.load(tmp_path / "x.jsonl")
    assert len(nbtrace.Dataset.from_pandas(frame[["inputs"]].assign(expectations=[{}] * 4))) == 4


def test_two_runs_compared_row_by_row():
    nbtrace.configure(display=False)
    v1 = nbtrace.evaluate(GOLDEN, agent, [scorers.contains()], name="v1")
    fixed = {**ANSWERS, "Spain": "Madrid", "Peru": "Cusco"}

    @nbtrace.trace
    def agent_v2(question):
        return f"The capital is {fixed[question.split()[-1].rstrip('?')]}."

    v2 = nbtrace.evaluate(GOLDEN + [{"inputs": {"question": "capital of Chad?"}, "expectations": {}}],
                          agent_v2, [scorers.contains(), scorers.no_errors()], name="v2")
    cmp = nbtrace.compare_runs(v1, v2)
    by_question = {r["inputs"]["question"]: r for r in cmp.rows}
    assert by_question["capital of Spain?"]["verdict"] == "improved"
    assert by_question["capital of Peru?"]["verdict"] == "regressed"
    assert by_question["capital of France?"]["verdict"] == "unchanged"
    assert by_question["capital of Chad?"]["kind"] == "added"
    assert cmp.counts["contains"] == {"improved": 1, "regressed": 1, "unchanged": 2}
    assert cmp.verdicts == {"improved": 1, "regressed": 1, "unchanged": 2, "added": 1, "removed": 0}
    assert [r["inputs"]["question"] for r in cmp.regressions()] == ["capital of Peru?"]
    assert len(cmp.warnings) == 2 and "different data" in cmp.warnings[0] and "only in v2: no_errors" in cmp.warnings[1]
    assert repr(cmp) == "<nbtrace comparison v1 → v2: 1 regressed, 1 improved, 2 unchanged, 1 added>"


def test_a_baseline_shows_the_comparison_filling_in(displayed):
    nbtrace.configure(display=False)
    v1 = nbtrace.evaluate(GOLDEN, agent, [scorers.contains()], name="v1")
    nbtrace.configure(display=True)
    displayed.clear()
    v2 = nbtrace.evaluate(GOLDEN, agent, [scorers.contains()], name="v2", baseline=v1)
    payloads = [bundle[EVAL_MIME_TYPE] for bundle, _, _ in displayed]
    assert payloads and all(p["kind"] == "comparison" for p in payloads)
    assert {display_id for _, display_id, _ in displayed} == {f"nbtrace-eval-{v2.id}"}
    assert all(p["a"]["id"] == v1.id and p["b"]["id"] == v2.id for p in payloads)
    assert payloads[0]["b"]["state"] == "RUNNING" and payloads[-1]["b"]["state"] == "DONE"
    assert displayed[-1][0]["text/plain"] == "<nbtrace comparison v1 → v2: 0 regressed, 0 improved, 4 unchanged>"
    assert v2.name == "v2" and v2.metrics["contains/pass_rate"] == 0.75  # the result is the run, not the comparison
