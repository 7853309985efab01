"""Scorers for ``nbtrace.evaluate``.

A scorer is any function taking some of ``inputs``, ``outputs``,
``expectations``, ``trace`` (by name) and returning a bool, a number, a string,
a :class:`Feedback` or a list of them; ``@scorer`` names it and picks its
aggregation. Built in (call each to make one)::

    exact_match()            contains(mode="all")     regex(pattern)
    is_json(schema=None)     levenshtein_ratio()      tool_called(name)
    tool_calls_match()       latency_under(ms)        tokens_under(n)
    cost_under(usd)          no_errors()              judge(instructions, model=, client=)

Text scorers read ``expectations["expected_response"]`` / ``["expected_facts"]``;
``tool_calls_match`` reads ``["expected_tool_calls"]``; the budget scorers and
``no_errors`` read the row's trace; ``judge`` asks an LLM (each call traced).
"""
from ._eval.builtin import (contains, cost_under, exact_match, is_json, latency_under, levenshtein_ratio,
                            no_errors, output_text, regex, tokens_under, tool_called, tool_calls_match)
from ._eval.judge import judge
from ._eval.scorer import Feedback, Scorer, scorer

__all__ = ["Feedback", "Scorer", "contains", "cost_under", "exact_match", "is_json", "judge", "latency_under",
           "levenshtein_ratio", "no_errors", "output_text", "regex", "scorer", "tokens_under", "tool_called",
           "tool_calls_match"]
