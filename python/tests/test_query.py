"""The trace query language on the shared cases (tests/query/cases.json, which
the TypeScript side runs too): what each query selects, where and why a bad one
fails, and that arbitrary input gives a QueryError or a query, nothing else."""
import json
import random
from pathlib import Path

import pytest

from nbtrace._query.lexer import QueryError
from nbtrace._query.match import matches
from nbtrace._query.parser import parse_query
from nbtrace._query.match import text_of

CASES = json.loads((Path(__file__).resolve().parents[2] / "tests" / "query" / "cases.json").read_text("utf-8"))


def select(query):
    q = parse_query(query)
    return [t["id"] for t in CASES["traces"] if matches(q, t)]


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["query"] or "(empty)" for c in CASES["cases"]])
def test_the_shared_cases_select_the_same_traces(case):
    assert select(case["query"]) == case["ids"]


@pytest.mark.parametrize("case", CASES["errors"], ids=[c["query"] for c in CASES["errors"]])
def test_bad_queries_say_where_and_why(case):
    with pytest.raises(QueryError) as info:
        parse_query(case["query"])
    for word in case["words"]:
        assert word in info.value.message
    assert info.value.at == case["at"]
    assert f"(at character {case['at'] + 1})" in str(info.value)


def test_values_read_as_text_the_way_javascript_does():
    assert [text_of(v) for v in (True, False, 3.0, 0.9, 12, "x", 1e21)] == ["true", "false", "3", "0.9", "12", "x", "1e+21"]


def test_anything_typed_gives_a_query_or_a_query_error():
    alphabet = ["'", '"', "`", "(", ")", ",", ".", "=", "!", "<", ">", "a", " ", "AND", "OR", "NOT", "IN", "tag",
                "1", "-", "%"]
    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        try:
            q = parse_query(text)
        except QueryError:
            continue
        for t in CASES["traces"]:
            matches(q, t)
