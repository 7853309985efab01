"""Estimated costs in Python: the one price table the viewer reads too
(src/model/prices.json, shipped as nbtrace/prices.json), matching and estimates on the
shared cases (tests/model/price-cases.json, which tests/model/prices.test.ts runs too),
``configure(prices=...)`` and the ``nbtrace.prices`` trace metadata."""
from __future__ import annotations

import inspect
import json
import math
import os
from pathlib import Path

import pytest

import nbtrace
from nbtrace._documents import prices

ROOT = Path(__file__).resolve().parents[2]
CASES = json.loads((ROOT / "tests" / "model" / "price-cases.json").read_text("utf-8"))
TABLE_FILE = ROOT / "src" / "model" / "prices.json"


@pytest.fixture(autouse=True)
def _no_prices():
    nbtrace.configure(prices={})
    yield
    nbtrace.configure(prices={})


def _close(got, want, why):
    if want is None:
        assert got is None, why
    else:
        assert got is not None and math.isclose(got, want, rel_tol=1e-9), (why, got, want)


def _estimate(case):
    return prices.estimate_cost(case["model"], case["input"], case["output"], case.get("cached_input"),
                                cache_write_input_tokens=case.get("cache_write"))


# ------------------------------------------------------------------ one table, shared
def test_python_reads_the_file_the_viewer_imports_and_the_wheel_ships_it():
    assert prices.shipped_path() == TABLE_FILE  # in the checkout; a wheel has nbtrace/prices.json first
    assert prices.CANDIDATES[0] == Path(nbtrace.__file__).resolve().parent / "prices.json"
    assert "import shipped from './prices.json'" in (ROOT / "src" / "model" / "prices.ts").read_text("utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    section = pyproject.split("[tool.hatch.build.targets.wheel.force-include]", 1)[1].split("\n[", 1)[0]
    assert '"src/model/prices.json" = "nbtrace/prices.json"' in section


def test_there_is_exactly_one_price_table_in_the_sources():
    skip = {"node_modules", ".git", ".venv", "lib", "labextension", "static", "dist", "build", "__pycache__"}
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in skip]
        found += [Path(folder, f).relative_to(ROOT).as_posix() for f in files
                  if f.endswith(".json") and "prices" in f and "price-cases" not in f]
    assert found == ["src/model/prices.json"]


def test_the_table_is_dated_and_complete():
    raw = json.loads(TABLE_FILE.read_text("utf-8"))
    table = prices.price_table()
    assert table["date"] == raw["date"] and len(raw["date"]) == 10
    assert (table["currency"], table["unit"]) == ("USD", "per 1M tokens")
    assert "list prices as of the date" in raw["note"].lower()
    assert set(table["models"]) == set(raw["models"])
    for name, price in table["models"].items():
        assert {"input", "output"} <= set(price) <= set(prices.FIELDS), name
    for alias, target in table["aliases"].items():
        assert target in table["models"], alias


@pytest.mark.parametrize("name,key", CASES["match"])
def test_matching_the_shared_cases(name, key):
    assert prices.match_model(name) == key


@pytest.mark.parametrize("case", CASES["estimate"], ids=lambda c: c["why"])
def test_estimates_the_shared_cases(case):
    _close(_estimate(case), case["total"], case["why"])


@pytest.mark.parametrize("case", CASES["overrides"], ids=lambda c: c["why"])
def test_overrides_the_shared_cases(case):
    nbtrace.configure(prices=case["prices"])
    _close(_estimate(case), case["total"], case["why"])


def test_the_signature_the_store_calls():
    params = list(inspect.signature(prices.estimate_cost).parameters.values())
    assert [p.name for p in params[:4]] == ["model", "input_tokens", "output_tokens", "cached_input_tokens"]
    assert params[3].default is None
    assert all(p.kind is p.KEYWORD_ONLY for p in params[4:])
    assert prices.estimate_cost("gpt-4o", 1000, 500) == pytest.approx(0.0075)
    assert prices.estimate_cost("gpt-4o", True, None) is None  # not a count
    assert prices.estimate_cost(None, 1, 1) is None


# ------------------------------------------------------------------ configure(prices=...)
def test_configure_merges_over_the_list_and_clears():
    out = nbtrace.configure(prices={"models": {"gpt-4o": {"input": 5}, "my-model": {"input": 1, "output": 2}},
                                    "aliases": {"prod": "my-model"}})
    assert out["prices"] == {"models": {"gpt-4o": {"input": 5.0}, "my-model": {"input": 1.0, "output": 2.0}},
                             "aliases": {"prod": "my-model"}}
    table = prices.price_table()
    assert table["models"]["gpt-4o"] == {"input": 5.0, "cached_input": 1.25, "output": 10.0}
    assert table["models"]["my-model"] == {"input": 1.0, "output": 2.0}
    assert prices.estimate_cost("prod", 1_000_000, 0) == pytest.approx(1.0)
    table["models"].clear()  # a copy
    assert prices.estimate_cost("gpt-4o", 1000, 0) == pytest.approx(0.005)
    assert nbtrace.configure(prices={})["prices"] is None
    assert prices.price_table()["models"]["gpt-4o"]["input"] == 2.5
    assert nbtrace.configure()["prices"] is None  # None: unchanged


def test_configure_reads_a_json_file(tmp_path):
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"date": "2027-01-01", "unit": "per 1K tokens",
                                "models": {"house-llm": {"input": 0.001, "output": 0.004}}}))
    nbtrace.configure(prices=str(path))
    assert prices.estimate_cost("house-llm-2027", 1_000_000, 1_000_000) == pytest.approx(5.0)
    nbtrace.configure(prices={})
    nbtrace.configure(prices=path)  # a Path too
    assert prices.match_model("house-llm") == "house-llm"


@pytest.mark.parametrize("value,message", [
    (42, "expected a dict"),
    ({"gpt-4o": 2.5}, "must be a dict of prices"),
    ({"gpt-4o": {"ouput": 10}}, "unknown price 'ouput'"),
    ({"gpt-4o": {"input": -1}}, "must be a number >= 0"),
    ({"gpt-4o": {"input": True}}, "must be a number >= 0"),
    ({"gpt-4o": {"input": float("nan")}}, "must be a number >= 0"),
    ({"new-model": {"input": 1}}, "give both its input and output price"),
    ({"aliases": {"x": "no-such-model"}}, "not a model in the table"),
    ({"currency": "EUR", "models": {}}, "only USD"),
    ({"unit": "per year", "models": {}}, "unit must be one of"),
    ({"models": {}, "extra": 1}, "unknown key(s) ['extra']"),
    ("/no/such/prices.json", "cannot read"),
])
def test_bad_prices_raise_a_clear_error_and_change_nothing(value, message):
    nbtrace.configure(prices={"my-model": {"input": 1, "output": 2}})
    before = nbtrace.configure()
    with pytest.raises(ValueError, match="nbtrace.configure: prices") as info:
        nbtrace.configure(prices=value, max_traces=7)
    assert message in str(info.value)
    assert nbtrace.configure() == before


def test_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("{nope")
    with pytest.raises(ValueError, match="is not JSON"):
        nbtrace.configure(prices=str(path))


# ------------------------------------------------------------------ the trace metadata
def _metadata():
    with nbtrace.start_span("agent"):
        pass
    return nbtrace.get_last_trace()["info"]["trace_metadata"]


def test_traces_carry_the_overrides_only_when_configured():
    assert "nbtrace.prices" not in _metadata()
    nbtrace.configure(prices={"models": {"gpt-4o": {"input": 5}}})
    carried = json.loads(_metadata()["nbtrace.prices"])
    assert carried == {"models": {"gpt-4o": {"input": 5.0}}, "aliases": {}}
    nbtrace.configure(prices={})
    assert "nbtrace.prices" not in _metadata()


def test_an_autologged_llm_span_has_what_the_viewer_estimates_from():
    """Model and token counts, no reported cost: the viewer estimates (tests/model/prices.test.ts)."""
    nbtrace.configure(prices={"my-model": {"input": 1, "output": 2}})
    with nbtrace.start_span("chat", span_type="CHAT_MODEL") as span:
        span.set_attribute("gen_ai.request.model", "my-model")
        span.set_token_usage(1000, 500)
    doc = nbtrace.get_last_trace()
    attrs = doc["data"]["spans"][0]["attributes"]
    assert json.loads(attrs["mlflow.chat.tokenUsage"])["input_tokens"] == 1000
    assert "mlflow.llm.cost" not in attrs
    assert json.loads(doc["info"]["trace_metadata"]["nbtrace.prices"])["models"]["my-model"] == {"input": 1.0,
                                                                                              "output": 2.0}
    assert prices.estimate_cost("my-model", 1000, 500) == pytest.approx(0.002)


# ------------------------------------------------------------------ evaluation rows
def _chat(model, input_tokens, output_tokens, **attrs):
    with nbtrace.start_span("chat", span_type="CHAT_MODEL") as span:
        span.set_attribute("gen_ai.request.model", model)
        for key, value in attrs.items():
            span.set_attribute(key, value)
        span.set_token_usage(input_tokens, output_tokens)


def test_the_trace_view_estimates_nested_llm_calls_once():
    from nbtrace._eval.trace import Trace

    with nbtrace.start_span("agent", span_type="AGENT"):
        with nbtrace.start_span("llm-wrapper", span_type="CHAT_MODEL") as wrapper:
            wrapper.set_attribute("gen_ai.request.model", "gpt-4o")
            wrapper.set_token_usage(1000, 500)
            _chat("gpt-4o-2024-08-06", 1000, 500)  # the same call, inside: counted once
        _chat("gpt-4o-mini", 1000, 500)
        _chat("my-deployment", 1000, 500)  # unknown: no estimate
    view = Trace(nbtrace.get_last_trace())
    assert view.cost is None
    assert view.estimated_cost == pytest.approx(0.0075 + 0.00045)


def test_an_anthropic_call_prices_its_cache_reads_and_writes():
    from nbtrace._eval.trace import Trace

    with nbtrace.start_span("chat", span_type="CHAT_MODEL") as span:  # as nbtrace.anthropic records it
        span.set_attribute("gen_ai.response.model", "claude-sonnet-4-5-20250929")
        span.set_token_usage(100, 200, cache_read_input_tokens=800, cache_creation_input_tokens=100)
    assert Trace(nbtrace.get_last_trace()).estimated_cost == pytest.approx(0.003915)  # the shared case


def test_evaluation_rows_carry_an_estimate_marked_as_such():
    nbtrace.configure(display=False)

    @nbtrace.trace(span_type="AGENT")
    def ask(question):
        _chat("gpt-4o", 1000, 500)
        return "ok"

    @nbtrace.trace(span_type="AGENT")
    def ask_reported(question):
        with nbtrace.start_span("chat", span_type="CHAT_MODEL") as span:
            span.set_attribute("gen_ai.request.model", "gpt-4o")
            span.set_token_usage(1000, 500)
            span.set_attribute("mlflow.llm.cost", {"input_cost": 0.5, "output_cost": 0.5, "total_cost": 1.0})
        return "ok"

    data = [{"inputs": {"question": "q"}}]
    (row,) = nbtrace.evaluate(data, ask, [], name="est").rows
    assert row["cost"] == pytest.approx(0.0075) and row["cost_estimated"] is True
    (reported,) = nbtrace.evaluate(data, ask_reported, [], name="rep").rows
    assert reported["cost"] == 1.0 and "cost_estimated" not in reported  # a reported cost wins
