"""The built-in deterministic scorers (each call makes a :class:`Scorer`).

Text scorers read the output's text (a string; or a dict's ``response`` /
``output`` / ``answer`` / ``content`` / ``text`` / ``result`` / ``message``; or an
OpenAI-style ``choices[0].message.content``) and the expectation keys MLflow's
judges use: ``expected_response``, ``expected_facts``, ``expected_tool_calls``.
Budget scorers read the trace itself: its duration, token totals, reported cost
and the status of every span. A scorer whose expectation is missing returns an
error saying so, never a silent pass.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Callable

from . import json_schema
from .scorer import Feedback, Scorer

_TEXT_KEYS = ("response", "output", "answer", "content", "text", "result", "message")


def output_text(outputs: Any) -> str:
    """The text of an output, for the text scorers."""
    if outputs is None:
        return ""
    if isinstance(outputs, str):
        return outputs
    if isinstance(outputs, Mapping):
        for key in _TEXT_KEYS:
            value = outputs.get(key)
            if isinstance(value, str):
                return value
            if isinstance(value, Mapping) and isinstance(value.get("content"), str):
                return value["content"]
        choices = outputs.get("choices")
        if isinstance(choices, list) and choices and isinstance(choices[0], Mapping):
            message = choices[0].get("message") or {}
            if isinstance(message, Mapping) and isinstance(message.get("content"), str):
                return message["content"]
    try:
        return json.dumps(outputs, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return str(outputs)


def _factory(fn: Callable) -> Callable:
    fn._nbtrace_scorer_factory = True
    return fn


def _expected(expectations: Any, key: str) -> Any:
    return expectations.get(key) if isinstance(expectations, Mapping) else None


def _missing(key: str) -> Feedback:
    return Feedback(error=f"the record has no expectations[{key!r}] to compare with")


def _norm(text: str, case_sensitive: bool) -> str:
    text = " ".join(text.split())
    return text if case_sensitive else text.casefold()


@_factory
def exact_match(case_sensitive: bool = True, name: str = "exact_match") -> Scorer:
    """The output equals ``expected_response`` (whitespace at the ends and runs of
    spaces ignored; ``case_sensitive=False`` ignores case too). Non-text expected
    values (numbers, dicts) compare as values."""
    def exact(outputs: Any, expectations: Any) -> Any:
        expected = _expected(expectations, "expected_response")
        if expected is None:
            return _missing("expected_response")
        if not isinstance(expected, str) and not isinstance(outputs, str):
            ok = outputs == expected
            return Feedback(ok, None if ok else f"expected {expected!r}, got {outputs!r}")
        got = output_text(outputs)
        ok = _norm(got, case_sensitive) == _norm(str(expected), case_sensitive)
        return Feedback(ok, None if ok else f"expected {str(expected)[:200]!r}, got {got[:200]!r}")
    return Scorer(exact, name=name)


@_factory
def contains(mode: str = "all", case_sensitive: bool = False, name: str | None = None) -> Scorer:
    """The output contains ``expected_facts`` (a list of strings): ``mode="all"``
    (default) or ``"any"`` of them. With no facts, ``expected_response`` is the one
    fact. The rationale names the facts that are missing."""
    if mode not in ("all", "any"):
        raise ValueError('contains(mode=...) is "all" or "any"')

    def contains_facts(outputs: Any, expectations: Any) -> Any:
        facts = _expected(expectations, "expected_facts")
        if facts is None:
            single = _expected(expectations, "expected_response")
            facts = [single] if single is not None else None
        if not facts:
            return _missing("expected_facts")
        if isinstance(facts, str):
            facts = [facts]
        text = _norm(output_text(outputs), case_sensitive)
        missing = [str(f) for f in facts if _norm(str(f), case_sensitive) not in text]
        ok = not missing if mode == "all" else len(missing) < len(facts)
        found = len(facts) - len(missing)
        return Feedback(ok, f"{found} of {len(facts)} facts found" + (f"; missing: {', '.join(missing[:10])}"
                                                                      if missing else ""))
    return Scorer(contains_facts, name=name or ("contains" if mode == "all" else "contains_any"))


@_factory
def regex(pattern: str, flags: int = 0, name: str = "regex") -> Scorer:
    """The output matches ``pattern`` somewhere (``re.search``)."""
    compiled = re.compile(pattern, flags)

    def matches(outputs: Any) -> Any:
        match = compiled.search(output_text(outputs))
        return Feedback(match is not None, f"matched {match.group(0)[:200]!r}" if match else f"no match for {pattern!r}")
    return Scorer(matches, name=name)


@_factory
def is_json(schema: Any = None, name: str = "is_json") -> Scorer:
    """The output is JSON (a dict or list output counts as JSON; a string must
    parse) and, with ``schema``, conforms to that JSON Schema."""
    def valid(outputs: Any) -> Any:
        value = outputs
        if isinstance(outputs, str):
            text = outputs.strip()
            fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", text, re.S)
            try:
                value = json.loads(fenced.group(1) if fenced else text)
            except ValueError as exc:
                return Feedback(False, f"not JSON: {exc}")
        elif not isinstance(outputs, (dict, list)):
            return Feedback(False, f"not JSON text or data: a {type(outputs).__name__}")
        if schema is None:
            return Feedback(True)
        found = json_schema.problems(value, schema)
        return Feedback(not found, "; ".join(found[:5]) if found else "conforms to the schema")
    return Scorer(valid, name=name)


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions), O(len(a)·len(b))."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@_factory
def levenshtein_ratio(threshold: float | None = None, case_sensitive: bool = True,
                      name: str = "levenshtein_ratio") -> Scorer:
    """1 − edit distance / the longer length, between the output and
    ``expected_response`` (1.0: equal). With ``threshold``, pass/fail at it."""
    def ratio(outputs: Any, expectations: Any) -> Any:
        expected = _expected(expectations, "expected_response")
        if expected is None:
            return _missing("expected_response")
        a, b = _norm(output_text(outputs), case_sensitive), _norm(str(expected), case_sensitive)
        value = 1.0 if not a and not b else 1 - levenshtein(a, b) / max(len(a), len(b))
        value = round(value, 4)
        if threshold is None:
            return Feedback(value)
        return Feedback(value >= threshold, f"ratio {value} {'≥' if value >= threshold else '<'} {threshold}")
    return Scorer(ratio, name=name)


def _tool_spans(trace: Any) -> list:
    return trace.search_spans(span_type="TOOL") if trace is not None else []


def _tool_name(span: Any) -> str:
    a = span.attributes
    return str(a.get("gen_ai.tool.name") or a.get("tool.name") or span.name)


@_factory
def tool_called(tool: str, name: str | None = None) -> Scorer:
    """The trace has a TOOL span for ``tool`` (by span name or tool-name attribute)."""
    def called(trace: Any) -> Any:
        names = [_tool_name(s) for s in _tool_spans(trace)]
        ok = tool in names
        return Feedback(ok, f"tools called: {', '.join(names) or 'none'}")
    return Scorer(called, name=name or f"tool_called:{tool}")


@_factory
def tool_calls_match(ordered: bool = False, check_arguments: bool = False, name: str = "tool_calls_match") -> Scorer:
    """The trace's TOOL spans are ``expected_tool_calls`` (``[{"name": ...,
    "arguments"?: {...}}, ...]`` or names): the same tools as many times each
    (``ordered=True``: in that order; ``check_arguments=True``: with those inputs)."""
    def match(trace: Any, expectations: Any) -> Any:
        expected = _expected(expectations, "expected_tool_calls")
        if expected is None:
            return _missing("expected_tool_calls")
        want = [(e if isinstance(e, str) else str(e.get("name")), None if isinstance(e, str) else e.get("arguments"))
                for e in expected]
        got = [(_tool_name(s), s.inputs) for s in _tool_spans(trace)]
        if not check_arguments:
            want, got = [(n, None) for n, _ in want], [(n, None) for n, _ in got]
        same = want == got if ordered else sorted(map(repr, want)) == sorted(map(repr, got))
        return Feedback(same, f"expected {[n for n, _ in want]}, called {[n for n, _ in got]}")
    return Scorer(match, name=name)


@_factory
def latency_under(ms: float, name: str | None = None) -> Scorer:
    """The trace took at most ``ms`` milliseconds (its root span)."""
    def fast(trace: Any) -> Any:
        took = trace.duration_ms if trace is not None else None
        if took is None:
            return Feedback(error="the trace has no duration")
        return Feedback(took <= ms, f"{took:.1f} ms {'≤' if took <= ms else '>'} {ms} ms")
    return Scorer(fast, name=name or f"latency_under:{ms:g}ms", higher_is_better=True)


@_factory
def tokens_under(n: int, name: str | None = None) -> Scorer:
    """The trace used at most ``n`` tokens in all (counted without double counting)."""
    def few(trace: Any) -> Any:
        usage = trace.token_usage if trace is not None else None
        total = (usage or {}).get("total_tokens")
        if total is None:
            return Feedback(error="the trace reports no token usage")
        return Feedback(total <= n, f"{total:,} tokens {'≤' if total <= n else '>'} {n:,}")
    return Scorer(few, name=name or f"tokens_under:{n}")


@_factory
def cost_under(usd: float, name: str | None = None) -> Scorer:
    """The trace's reported cost is at most ``usd`` dollars."""
    def cheap(trace: Any) -> Any:
        cost = trace.cost if trace is not None else None
        if cost is None:
            return Feedback(error="the trace reports no cost")
        return Feedback(cost <= usd, f"${cost:.6f} {'≤' if cost <= usd else '>'} ${usd}")
    return Scorer(cheap, name=name or f"cost_under:${usd:g}")


@_factory
def no_errors(name: str = "no_errors") -> Scorer:
    """No span of the trace ended with ERROR."""
    def clean(trace: Any) -> Any:
        errors = trace.errors if trace is not None else []
        if not errors:
            return Feedback(True)
        return Feedback(False, "; ".join(f"{s.name}: {s.status_message or 'error'}" for s in errors[:5]))
    return Scorer(clean, name=name)
