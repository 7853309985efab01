"""An LLM judge: :func:`judge` makes a scorer that asks a model (through the
OpenAI- or Anthropic-compatible client you pass) whether an output is good.

``instructions`` is a template with ``{{ inputs }}``, ``{{ outputs }}``,
``{{ expectations }}`` and ``{{ trace }}`` (MLflow's ``make_judge`` placeholders;
any that are missing are added as sections). ``guidelines=[...]`` (or a
record's ``expectations["guidelines"]``) is guideline mode: pass only if every
guideline is met. The model answers JSON ``{"result": ..., "rationale": ...}``.
Each judge call is its own trace — an EVALUATOR span with the chat call under
it — kept with the score, so the results table shows how the verdict came about.
"""
from __future__ import annotations

import asyncio
import inspect
import json
import re
from collections.abc import Mapping
from typing import Any

from .._notebook.live import traces_hidden
from .._record import context
from .._record.assessments import JUDGE_INPUT_TOKENS, JUDGE_OUTPUT_TOKENS, SCORER_TRACE_ID
from .._record.collector import get_collector
from .._documents.mlflow import trace_to_dict
from .builtin import output_text
from .scorer import Feedback, Scorer

_PLACEHOLDER = re.compile(r"\{\{\s*(inputs|outputs|expectations|trace)\s*\}\}")
_ANSWER = ('Answer with one JSON object and nothing else: {"result": %s, "rationale": "<one or two sentences: '
           'why>"}.')


def _text(value: Any, limit: int = 20_000) -> str:
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)
        except (TypeError, ValueError):
            text = str(value)
    return text if len(text) <= limit else text[:limit] + f"…[{len(text) - limit} more characters]"


def trace_summary(trace: Any, limit: int = 60) -> str:
    """A few lines per span: kind, name, status, duration — what a judge can read."""
    if trace is None:
        return "(no trace)"
    lines = []
    for span in trace.spans[:limit]:
        took = span.duration_ms
        lines.append(f"- {span.span_type} {span.name}: {span.status}" + (f", {took:.0f} ms" if took is not None else ""))
    if len(trace.spans) > limit:
        lines.append(f"- … {len(trace.spans) - limit} more spans")
    return "\n".join(lines)


def render(template: str, inputs: Any, outputs: Any, expectations: Any, trace: Any) -> str:
    """``template`` with its placeholders filled; missing ones appended as sections."""
    values = {"inputs": _text(inputs), "outputs": _text(output_text(outputs) if outputs is not None else None),
              "expectations": _text(expectations), "trace": trace_summary(trace)}
    used = set(_PLACEHOLDER.findall(template))
    text = _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
    extra = [f"## {key}\n{values[key]}" for key in ("inputs", "outputs", "expectations")
             if key not in used and (key != "expectations" or expectations)]
    return "\n\n".join([text, *extra])


def parse_verdict(text: str, numeric: bool) -> tuple:
    """``(value, rationale)`` from the model's answer: the JSON object in it, else a
    leading yes/no (or number); raises ValueError when there is neither."""
    match = re.search(r"\{.*\}", text or "", re.S)
    if match:
        try:
            obj = json.loads(match.group(0))
        except ValueError:
            obj = None
        if isinstance(obj, Mapping) and "result" in obj:
            value = obj["result"]
            if numeric and isinstance(value, str):
                value = float(value)
            elif not numeric and isinstance(value, str):
                value = value.strip().lower()
            return value, None if obj.get("rationale") is None else str(obj["rationale"])
    head = (text or "").strip().split(None, 1)
    if head:
        word = head[0].strip(".,:;!").lower()
        if not numeric and word in ("yes", "no"):
            return word, head[1] if len(head) > 1 else None
        if numeric:
            try:
                return float(word), head[1] if len(head) > 1 else None
            except ValueError:
                pass
    raise ValueError(f"the judge's answer has no verdict: {(text or '')[:200]!r}")


def _patched(method: Any) -> bool:
    """Is this SDK method wrapped by nbtrace's autolog (which then traces the call)?"""
    func = getattr(method, "__func__", method)
    return hasattr(func, "__nbtrace_original__")


def _call_model(client: Any, model: str, system: str, prompt: str, max_tokens: int) -> tuple:
    """``(text, usage dict or None, method)`` from an OpenAI-style or Anthropic-style client."""
    messages = getattr(client, "messages", None)
    if messages is not None and callable(getattr(messages, "create", None)) and not hasattr(client, "chat"):
        method = messages.create
        result = method(model=model, max_tokens=max_tokens, system=system,
                        messages=[{"role": "user", "content": prompt}])
        if inspect.isawaitable(result):
            result = asyncio.run(result)
        text = "".join(getattr(b, "text", "") or "" for b in getattr(result, "content", []) or [])
        usage = getattr(result, "usage", None)
        counts = {"input_tokens": getattr(usage, "input_tokens", None), "output_tokens": getattr(usage, "output_tokens", None)}
        return text, counts, method
    chat = getattr(getattr(client, "chat", None), "completions", None)
    if chat is None or not callable(getattr(chat, "create", None)):
        raise TypeError("judge(client=...): expected an OpenAI-style client (client.chat.completions.create) or an "
                        "Anthropic-style one (client.messages.create)")
    method = chat.create
    result = method(model=model, max_tokens=max_tokens, temperature=0,
                    messages=[{"role": "system", "content": system}, {"role": "user", "content": prompt}])
    if inspect.isawaitable(result):
        result = asyncio.run(result)
    text = result.choices[0].message.content or ""
    usage = getattr(result, "usage", None)
    counts = {"input_tokens": getattr(usage, "prompt_tokens", None), "output_tokens": getattr(usage, "completion_tokens", None)}
    return text, counts, method


def judge(instructions: str | None = None, *, model: str, client: Any, name: str = "judge",
          guidelines: list | None = None, numeric: bool = False, max_tokens: int = 512) -> Scorer:
    """An LLM-judge scorer (see the module doc). ``numeric=True`` asks for a
    number (e.g. a 1–5 rating in your instructions) instead of yes/no."""
    system = "You are a careful evaluator of an AI application's output. " + (
        _ANSWER % ("<a number>" if numeric else '"yes" or "no"'))

    def prompt_for(inputs: Any, outputs: Any, expectations: Any, trace: Any) -> str:
        if guidelines is not None:
            rules = guidelines
        elif instructions is None:  # guideline mode with the record's own guidelines
            rules = (expectations or {}).get("guidelines") if isinstance(expectations, Mapping) else None
        else:
            rules = None
        if rules is not None:
            rules = [rules] if isinstance(rules, str) else list(rules)
            listed = "\n".join(f"{i}. {g}" for i, g in enumerate(rules, 1))
            head = (f"{instructions}\n\n" if instructions else "") + (
                "Does the output meet every one of these guidelines? Answer \"yes\" only if it meets all of them.\n"
                f"{listed}\n\n## inputs\n{{{{ inputs }}}}\n\n## outputs\n{{{{ outputs }}}}")
            return render(head, inputs, outputs, expectations, trace)
        if instructions is None:
            raise ValueError("judge: give instructions, guidelines, or records with expectations['guidelines']")
        return render(instructions, inputs, outputs, expectations, trace)

    def run(inputs: Any, outputs: Any, expectations: Any, trace: Any) -> Feedback:
        prompt = prompt_for(inputs, outputs, expectations, trace)
        token = context.attach(None)  # the judge's call is a trace of its own
        record = None
        try:
            with traces_hidden():
                with get_collector().start_span(f"judge:{name}", span_type="EVALUATOR") as span:
                    record = getattr(span, "_trace", None)
                    span.set_inputs({"prompt": prompt, "model": model})
                    feedback = _ask(span, client, model, system, prompt, max_tokens, numeric)
                    span.set_outputs({"result": feedback.value, "rationale": feedback.rationale,
                                      "error": feedback.error})
        finally:
            context.detach(token)
        if record is not None:
            feedback.trace = trace_to_dict(record)
            usage = feedback.metadata or {}
            feedback.metadata = {SCORER_TRACE_ID: record.request_id,
                                 **{k: v for k, v in usage.items() if v is not None}}
        return feedback

    return Scorer(run, name=name, source="LLM_JUDGE")


def _ask(span: Any, client: Any, model: str, system: str, prompt: str, max_tokens: int, numeric: bool) -> Feedback:
    """One model call under the judge's span; a failure is the score's error, not an exception."""
    try:
        own = None
        method = getattr(getattr(getattr(client, "chat", None), "completions", None), "create", None) \
            or getattr(getattr(client, "messages", None), "create", None)
        if method is not None and not _patched(method):  # no autolog: trace the call here
            own = get_collector().start_span("chat", span_type="CHAT_MODEL", parent=span)
            own.set_inputs({"model": model, "messages": [{"role": "system", "content": system},
                                                         {"role": "user", "content": prompt}]})
            own.set_attribute("mlflow.llm.model", model)
        try:
            with context.use_span(span):
                text, usage, _ = _call_model(client, model, system, prompt, max_tokens)
        except BaseException as exc:
            if own is not None:
                own.record_exception(exc)
                own.end()
            raise
        if own is not None:
            own.set_outputs(text)
            if usage and usage.get("input_tokens") is not None:
                own.set_token_usage(input_tokens=usage.get("input_tokens"), output_tokens=usage.get("output_tokens"))
            own.end()
        value, rationale = parse_verdict(text, numeric)
        counts = {JUDGE_INPUT_TOKENS: (usage or {}).get("input_tokens"), JUDGE_OUTPUT_TOKENS: (usage or {}).get("output_tokens")}
        return Feedback(value=value, rationale=rationale, metadata=counts)
    except Exception as exc:
        span.record_exception(exc)
        return Feedback(error=f"{type(exc).__name__}: {exc}")
