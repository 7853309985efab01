"""The local store through the public API: ``configure(store=)``, a round trip
(get_trace gives back trace_to_dict), search_traces over real recorded traces in
SQL and in memory (same rows, same order), order_by / max_results, pandas, the
JSONL folder store, bad filters, and sessions (nested, threads, tasks)."""
import asyncio
import json
import os
import sqlite3
import threading
from pathlib import Path

import pytest

import nbtrace
from nbtrace._documents.facts import facts_of

CASES = json.loads((Path(__file__).resolve().parents[2] / "tests" / "query" / "cases.json").read_text("utf-8"))


@pytest.fixture(autouse=True)
def _no_store_after():
    yield
    nbtrace.flush_store(10)
    nbtrace.configure(store=None, session=None)


def ids(docs):
    return [d["info"]["trace_id"] for d in docs]


def make_traces(n=12):
    """Traces of several shapes: errors, tools, LLM calls with models, tokens and cost,
    sessions, users, feedback; returns their ids, oldest first."""
    made = []
    for i in range(n):
        with nbtrace.session(f"chat-{i % 3}" if i % 4 else None):
            try:
                with nbtrace.start_span("agent" if i % 2 else "rag_pipeline", span_type="AGENT",
                                        attributes={"user.id": ["ana", "bo"][i % 2]} if i % 5 else None) as root:
                    root.set_inputs({"question": f"question {i} about {['Paris', 'Rome', 'Oslo'][i % 3]}"})
                    with nbtrace.start_span("retrieve", span_type="RETRIEVER") as r:
                        r.set_outputs([f"doc {i}", "50% off" if i == 3 else "plain"])
                    if i % 3:
                        model = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "my-own-model"][i % 4]
                        attrs = {"mlflow.llm.model": model}
                        if i % 6 == 1:
                            attrs["mlflow.llm.cost"] = {"input_cost": 0.001 * i, "output_cost": 0.002, "total_cost": 0.001 * i + 0.002}
                        with nbtrace.start_span("chat", span_type="CHAT_MODEL" if i % 2 else "LLM", attributes=attrs) as c:
                            c.set_token_usage(100 * i, 10 * i)
                            c.set_outputs(f"answer {i}")
                    if i % 4 == 2:
                        raise TimeoutError("weather API")
            except TimeoutError:
                pass
        record = nbtrace.get_collector().last_finished_trace()
        if i % 3 == 0:
            nbtrace.log_feedback(record.request_id, "correct", i % 2 == 0)
            nbtrace.log_feedback(record.request_id, "relevance", i / 10)
        made.append(record.request_id)
    return made


QUERIES = [c["query"] for c in CASES["cases"]] + [
    "session = 'chat-1'", "session IS NULL", "user = 'bo' OR cost > 0.005", "model = 'gpt-4o' AND tokens >= 400",
    "span.type = 'llm'", "trace.text LIKE '%Oslo%' AND NOT trace.status = 'ERROR'", "feedback.relevance >= 0.6",
    "feedback.correct = FALSE", "cost IS NOT NULL AND span.model LIKE 'claude%'", "span.content ILIKE '%TIMEOUT%'",
    "trace.text RLIKE 'question [0-9]+ about (Rome|Oslo)'", "metadata.`mlflow.trace.session` IN ('chat-2', 'chat-0')",
    "tag.`mlflow.traceName` = 'agent'", "trace.timestamp_ms > '2000-01-01'", "input_tokens < 500 OR output_tokens IS NULL",
]


def test_configure_store_takes_sqlite_urls_folders_and_none(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert nbtrace.configure(store="sqlite:///traces.db")["store"] == f"sqlite:///{tmp_path}/traces.db"
    assert nbtrace.configure(store=f"sqlite:///{tmp_path}/a.db")["store"] == f"sqlite:///{tmp_path}/a.db"
    assert nbtrace.configure(store="jsonl:///runs")["store"] == f"jsonl:///{tmp_path}/runs"
    assert nbtrace.configure(store=tmp_path / "folder")["store"] == f"jsonl:///{tmp_path}/folder"
    assert nbtrace.configure(store="x.sqlite")["store"] == f"sqlite:///{tmp_path}/x.sqlite"
    assert nbtrace.configure(max_traces=50)["store"] == f"sqlite:///{tmp_path}/x.sqlite"  # unchanged
    for bad in ("postgresql://host/db", "sqlite://traces.db", ":memory:", 12, "sqlite:///"):
        with pytest.raises(ValueError, match="store"):
            nbtrace.configure(store=bad, max_traces=7)
    assert nbtrace.configure()["max_traces"] == 50  # a bad value changes nothing
    assert nbtrace.configure(store=None)["store"] is None


@pytest.mark.parametrize("kind", ["sqlite", "jsonl"])
def test_a_stored_trace_comes_back_as_trace_to_dict_gives_it(tmp_path, kind):
    location = f"sqlite:///{tmp_path}/t.db" if kind == "sqlite" else f"jsonl:///{tmp_path}/folder"
    nbtrace.configure(store=location, display=False)
    trace_id = make_traces(4)[3]  # an error, tool, LLM with tokens, then feedback after it finished
    record = nbtrace.get_collector().last_finished_trace()
    assert nbtrace.flush_store(10)
    stored = nbtrace.get_trace(trace_id)
    assert stored == nbtrace.trace_to_dict(record)
    assert stored["info"]["assessments"] and stored["data"]["spans"]
    assert nbtrace.get_trace("tr-nope") is None
    nbtrace.get_collector().clear()  # the store still has them
    assert nbtrace.get_trace(trace_id) == stored
    assert len(nbtrace.search_traces()) == 4


def test_the_sqlite_file_has_the_documented_tables_and_modes(tmp_path):
    nbtrace.configure(store=f"sqlite:///{tmp_path}/t.db", display=False)
    make_traces(6)
    nbtrace.flush_store(10)
    conn = sqlite3.connect(tmp_path / "t.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"traces", "trace_tags", "trace_metadata", "spans", "models", "assessments"} <= tables
    assert conn.execute("SELECT count(*) FROM traces").fetchone()[0] == 6
    assert conn.execute("SELECT count(DISTINCT trace_id) FROM assessments").fetchone()[0] == 2
    row = conn.execute("SELECT session, tokens, span_count FROM traces WHERE session = 'chat-1'").fetchone()
    assert row == ("chat-1", 110, 3)
    conn.close()


def test_sql_and_memory_select_the_same_traces_in_the_same_order(tmp_path):
    nbtrace.configure(store=f"sqlite:///{tmp_path}/t.db", display=False)
    make_traces(12)
    nbtrace.flush_store(10)
    orders = [None, ["tokens DESC"], ["trace.execution_time_ms ASC"], ["cost DESC", "name"], ["session"]]
    stored = {(q, json.dumps(o)): ids(nbtrace.search_traces(q, order_by=o)) for q in QUERIES for o in orders}
    nbtrace.configure(store=None)
    selecting = 0
    for (q, o), got in stored.items():
        assert got == ids(nbtrace.search_traces(q, order_by=json.loads(o))), (q, o)
        selecting += 0 < len(got) < 12
    assert selecting > len(stored) / 3


def test_order_by_and_max_results(tmp_path):
    made = make_traces(6)
    assert ids(nbtrace.search_traces()) == made[::-1]  # newest first
    assert ids(nbtrace.search_traces(order_by=["timestamp_ms ASC"], max_results=2)) == made[:2]
    by_tokens = nbtrace.search_traces(order_by=["tokens DESC"], max_results=3)
    assert [facts_of(d).get("tokens") for d in by_tokens] == [550, 440, 220]
    assert nbtrace.search_traces(max_results=0) == []
    with pytest.raises(ValueError, match="max_results"):
        nbtrace.search_traces(max_results=-1)
    with pytest.raises(ValueError, match="order_by"):
        nbtrace.search_traces(order_by=["span.name"])


def test_a_bad_filter_says_what_and_where():
    with pytest.raises(ValueError) as info:
        nbtrace.search_traces("trace.status = ")
    assert "expected a value" in str(info.value) and "(at character 16)" in str(info.value)
    assert info.value.at == 15
    with pytest.raises(ValueError, match="return_type"):
        nbtrace.search_traces(return_type="arrow")


def test_search_results_are_what_show_takes(tmp_path):
    nbtrace.configure(store=f"sqlite:///{tmp_path}/t.db", display=False)
    make_traces(3)
    found = nbtrace.search_traces("trace.status = 'OK'")
    assert found and nbtrace.to_html(found[0])  # a plain MLflow v3 dict
    nbtrace.show(found)  # outside a kernel: nothing to display, and no error


def test_pandas_gives_mlflow_like_columns(tmp_path):
    pd = pytest.importorskip("pandas")
    nbtrace.configure(store=f"sqlite:///{tmp_path}/t.db", display=False)
    made = make_traces(5)
    df = nbtrace.search_traces(order_by=["timestamp_ms ASC"], return_type="pandas")
    assert list(df["trace_id"]) == made
    for column in ("trace", "state", "request_time", "execution_duration", "request", "response", "tags",
                   "trace_metadata", "spans", "assessments", "tokens", "cost", "models", "session"):
        assert column in df.columns
    row = df.iloc[4]
    assert row["request"] == {"question": "question 4 about Rome"} and row["models"] == ["gpt-4o"]
    assert row["tokens"] == 440 and pd.isna(row["session"]) and row["trace"]["info"]["trace_id"] == made[4]


def test_pandas_missing_is_a_clear_import_error(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        nbtrace.search_traces(return_type="pandas")


# ---------------------------------------------------------------- sessions
def session_of(trace_id):
    return nbtrace.get_trace(trace_id)["info"]["trace_metadata"].get("mlflow.trace.session")


def one_trace(name="t"):
    with nbtrace.start_span(name):
        pass
    return nbtrace.get_collector().last_finished_trace().request_id


def test_sessions_nest_and_configure_sets_the_default():
    outside = one_trace()
    with nbtrace.session("chat-42"):
        a = one_trace()
        with nbtrace.session("inner"):
            b = one_trace()
        c = one_trace()
        with nbtrace.start_span("root"):
            with nbtrace.session("late"):  # a session is a trace's, set when it starts
                with nbtrace.start_span("child"):
                    pass
        d = nbtrace.get_collector().last_finished_trace().request_id
    nbtrace.configure(session="default-session")
    e = one_trace()
    with nbtrace.session(None):
        f = one_trace()
    assert [session_of(t) for t in (outside, a, b, c, d, e, f)] == [
        None, "chat-42", "inner", "chat-42", "chat-42", "default-session", None]
    assert ids(nbtrace.search_traces("session = 'chat-42'")) == [d, c, a]
    with pytest.raises(ValueError, match="session"):
        nbtrace.session(42)


def test_sessions_follow_the_context_into_tasks_and_wrapped_threads_not_plain_threads():
    nbtrace.configure(session="kernel")
    got = {}

    def work(key):
        got[key] = one_trace(key)

    async def main():
        with nbtrace.session("async-chat"):
            await asyncio.gather(asyncio.create_task(asyncio.to_thread(work, "to_thread")),
                                 asyncio.create_task(_async_work(got)))

    asyncio.run(main())
    with nbtrace.session("threads"):
        wrapped = threading.Thread(target=nbtrace.wrap_context(work), args=("wrapped",))
        plain = threading.Thread(target=work, args=("plain",))
        for t in (wrapped, plain):
            t.start()
            t.join()
    assert {k: session_of(v) for k, v in got.items()} == {
        "to_thread": "async-chat", "task": "async-chat", "wrapped": "threads", "plain": "kernel"}


async def _async_work(got):
    with nbtrace.start_span("task"):
        await asyncio.sleep(0)
    got["task"] = nbtrace.get_collector().last_finished_trace().request_id


def test_the_jsonl_store_is_one_append_only_file_per_process(tmp_path):
    folder = tmp_path / "runs"
    nbtrace.configure(store=folder, display=False)
    made = make_traces(4)
    nbtrace.flush_store(10)
    files = os.listdir(folder)
    assert len(files) == 1 and files[0].endswith(".jsonl") and f"-{os.getpid()}-" in files[0]
    lines = (folder / files[0]).read_text("utf-8").splitlines()
    assert len(lines) == 4 + 4  # two traces got two feedbacks after they finished: written again each time
    assert ids(nbtrace.search_traces("feedback.correct IS NOT NULL", order_by=["timestamp_ms"])) == [made[0], made[3]]
