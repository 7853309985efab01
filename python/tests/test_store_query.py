"""The query language in the store's SQL gives what it gives in memory
(``nbtrace._query.match``): the shared cases (tests/query/cases.json) and a few
thousand random queries from their grammar, over a real SQLite file filled with
the cases' trace facts — same ids, same order; order_by keys; and the plan's
fallback for ``trace.text`` (SQL candidates finished in Python)."""
import copy
import json
import random
from pathlib import Path

import pytest

from nbtrace._query.match import matches
from nbtrace._query.parser import parse_query
from nbtrace._store.jsonl_store import JsonlStore
from nbtrace._store.order import parse_order_by, sort_facts
from nbtrace._store.sql_query import plan
from nbtrace._store.sqlite_store import SqliteStore

CASES = json.loads((Path(__file__).resolve().parents[2] / "tests" / "query" / "cases.json").read_text("utf-8"))


def case_facts():
    """The cases' traces, with ``text`` as facts_of builds it (each span's name and content):
    the store rebuilds it from its spans rows the same way."""
    out = []
    for t in CASES["traces"]:
        f = copy.deepcopy(t)
        f["text"] = "\n".join(f"{s['name']}\n{s['content']}" for s in f["spans"])
        out.append(f)
    return out


FACTS = case_facts()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = SqliteStore(str(tmp_path_factory.mktemp("q") / "cases.db"))
    s.write([(json.dumps({"info": {"trace_id": f["id"]}, "data": {"spans": []}}), f) for f in FACTS])
    yield s
    s.close()


def in_sql(store, query, order_by=None, limit=None):
    docs = store.search(parse_query(query), parse_order_by(order_by), limit)
    return [d["info"]["trace_id"] for d in docs]


def in_memory(query, order_by=None, limit=None):
    q = parse_query(query)
    ordered = sort_facts([f for f in FACTS if matches(q, f)], parse_order_by(order_by))
    return [f["id"] for f in ordered][:limit]


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["query"] or "(empty)" for c in CASES["cases"]])
def test_the_shared_cases_select_the_same_traces_in_sql(store, case):
    got = in_sql(store, case["query"])
    assert sorted(got) == sorted(case["ids"])
    assert got == in_memory(case["query"])


def test_a_query_on_trace_text_is_finished_in_python_and_others_are_not():
    assert plan(parse_query("tag.env = 'prod' OR span.name LIKE 'r%'")).exact
    p = plan(parse_query("NOT (trace.text LIKE '%Paris%' AND tokens > 5)"))
    assert not p.exact and len(p.leaves) == 1


ORDERS = [None, ["timestamp_ms DESC"], ["trace.execution_time_ms ASC"], ["tokens DESC"], ["cost"],
          ["name", "attributes.timestamp_ms ASC"], ["tag.env DESC"], ["session", "user DESC"], ["status"],
          ["metadata.`mlflow.trace.session`"], ["trace.end_time_ms DESC"]]


@pytest.mark.parametrize("order_by", ORDERS, ids=[json.dumps(o) for o in ORDERS])
def test_order_by_and_max_results_agree(store, order_by):
    for limit in (None, 0, 1, 3):
        assert in_sql(store, "", order_by, limit) == in_memory("", order_by, limit)
        assert in_sql(store, "trace.text LIKE '%a%'", order_by, limit) == in_memory("trace.text LIKE '%a%'", order_by, limit)


def test_order_by_takes_mlflow_forms_and_says_what_is_wrong():
    keys = parse_order_by(["timestamp_ms DESC", "trace.execution_time_ms", "tag.`a.b` asc"])
    assert [(k.field.key, k.descending) for k in keys] == [("start_ms", True), ("duration_ms", False), ("a.b", False)]
    for bad, words in (("span.name", "several values"), ("colour", "unknown field"), ("tokens DOWN", "ASC or DESC"),
                       ("trace.text", "several values or none")):
        with pytest.raises(ValueError, match=words):
            parse_order_by([bad])


# ---------------------------------------------------------------- random queries
FIELDS = {
    "text": ["trace.name", "trace.request_id", "session", "user", "tag.env", "tag.team", "tag.`a.b`",
             "tag.`mlflow.user`", "metadata.version", "metadata.`mlflow.trace.session`", "span.name", "span.content",
             "span.model", "model", "trace.text"],
    "status": ["trace.status", "span.status", "span.type"],
    "number": ["trace.execution_time_ms", "tokens", "input_tokens", "output_tokens", "cost", "spans",
               "trace.timestamp_ms", "trace.end_time_ms"],
    "value": ["feedback.correct", "feedback.relevance", "expectation.expected_response", "feedback.missing"],
}
TEXTS = ["agent", "AGENT", "prod", "dev", "Search", "search", "chat-1", "gpt-4o", "gpt-4o-mini", "bo", "ana", "v1",
         "retrieve", "chat", "ok", "OK", "error", "LLM", "chat_model", "plan", "dotted", "", "t3", "x"]
PATTERNS = ["%", "_", "%a%", "a_ent", "%Paris%", "gpt%", "ERR%", "err%", "%4o", "%-%", "_____", "%50\\%%", "c%t",
            "%\n%", "R%", "%o%e%"]
REGEXES = ["^a", "o$", "Par", "[0-9]", "^(rag|slow)_", "(?i)error", "-", "^$"]
NUMBERS = ["0", "-1", "250", "300", "1000", "1200", "1500", "3200", "0.012", "0.25", "0.5", "0.9", "0.4", "1e3",
           "1764583200000", "1764669600000", "'2025-12-02T00:00:00Z'", "'2025-12-01'", "TRUE", "FALSE"]


def _literal(rng, kind):
    if kind == "number":
        return rng.choice([n for n in NUMBERS if not n.startswith("'")] if rng.random() < 0.8 else NUMBERS)
    pool = TEXTS + (["0.9", "0.4", "1", "true", "no", "Paris"] if kind == "value" else [])
    choice = rng.choice(pool + ["TRUE", "FALSE", "0.9", "1"] if kind in ("value", "status") else pool)
    return choice if choice in ("TRUE", "FALSE") or (kind == "value" and choice[:1].isdigit() and rng.random() < .5) \
        else "'" + choice.replace("'", "''") + "'"


def _clause(rng):
    kind = rng.choice(list(FIELDS))
    field = rng.choice(FIELDS[kind])
    r = rng.random()
    if r < 0.1:
        return f"{field} IS {'NOT ' if rng.random() < .5 else ''}NULL"
    if r < 0.25:
        values = ", ".join(_literal(rng, kind) for _ in range(rng.randint(1, 3)))
        return f"{field} {'NOT ' if rng.random() < .3 else ''}IN ({values})"
    if r < 0.5 and kind != "number":
        op = rng.choice(["LIKE", "ILIKE", "RLIKE", "NOT LIKE", "NOT ILIKE"])
        pattern = rng.choice(REGEXES if op == "RLIKE" else PATTERNS)
        return f"{field} {op} '" + pattern.replace("'", "''").replace("\\", "\\\\") + "'"
    ops = ["=", "!=", "<>"] + ([">", ">=", "<", "<="] if kind in ("number", "value") else [])
    return f"{field} {rng.choice(ops)} {_literal(rng, kind)}"


def _query(rng, depth=0):
    r = rng.random()
    if depth > 2 or r < 0.4:
        return _clause(rng)
    if r < 0.55:
        return f"NOT {_query(rng, depth + 1)}"
    joiner = " AND " if rng.random() < 0.5 else " OR "
    return "(" + joiner.join(_query(rng, depth + 1) for _ in range(rng.randint(2, 3))) + ")"


def test_random_queries_select_the_same_traces_in_sql_and_in_memory(store):
    rng = random.Random(16)
    checked = selected = 0
    for _ in range(3000):
        text = _query(rng)
        try:
            parse_query(text)
        except ValueError:
            continue
        got, want = in_sql(store, text), in_memory(text)
        assert got == want, text
        checked += 1
        selected += bool(want)
    assert checked > 2000 and 0.2 * checked < selected < 0.9 * checked


def test_the_jsonl_store_selects_the_same_traces(tmp_path):
    """JSONL filters in Python over facts_of: the docs must carry the facts, so here each is a real doc."""
    s = JsonlStore(str(tmp_path / "folder"))
    docs = [{"info": {"trace_id": f"tr-{i}", "state": "OK" if i % 3 else "ERROR", "trace_metadata": {},
                      "tags": {"mlflow.traceName": f"n{i % 4}", "env": "prod" if i % 2 else "dev"}},
             "data": {"spans": [{"span_id": "AAAAAAAAAAE=", "parent_span_id": None, "name": "root",
                                 "start_time_unix_nano": 10 ** 18 + i * 10 ** 9, "end_time_unix_nano": 10 ** 18 + i * 10 ** 9 + i * 10 ** 6,
                                 "attributes": {"mlflow.spanType": '"AGENT"'}, "status": {"code": "STATUS_CODE_OK"}}]}}
            for i in range(12)]
    s.write([(json.dumps(d), None) for d in docs])
    found = s.search(parse_query("tag.env = 'prod' AND trace.execution_time_ms >= 5"), parse_order_by(["name DESC"]), 3)
    assert [d["info"]["trace_id"] for d in found] == ["tr-11", "tr-7", "tr-9"]
    assert s.get("tr-4") == docs[4] and s.count() == 12
