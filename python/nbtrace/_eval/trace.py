"""A trace as scorers read it: :class:`Trace`, a read-only view of a trace
document (nbtrace's or MLflow's v3 / v2 dict, or an OTLP/JSON document), with
its spans decoded (``span_type``, ``inputs``, ``outputs``, attributes as values),
``search_spans`` as in MLflow, and the numbers budget scorers check: duration,
tokens, cost, errors.
"""
from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any, Iterator

from .._documents import prices
from .._util import json_or_text

_STATUS = {"STATUS_CODE_OK": "OK", "STATUS_CODE_ERROR": "ERROR", "STATUS_CODE_UNSET": "UNSET",
           "OK": "OK", "ERROR": "ERROR", "UNSET": "UNSET", "1": "OK", "2": "ERROR", "0": "UNSET"}
_OPENINFERENCE_KINDS = {"LLM": "LLM", "CHAIN": "CHAIN", "TOOL": "TOOL", "AGENT": "AGENT", "RETRIEVER": "RETRIEVER",
                        "EMBEDDING": "EMBEDDING", "RERANKER": "RERANKER", "GUARDRAIL": "GUARDRAIL",
                        "EVALUATOR": "EVALUATOR"}
_TRACELOOP_KINDS = {"workflow": "WORKFLOW", "task": "TASK", "agent": "AGENT", "tool": "TOOL"}  # OpenLLMetry
_GENAI_KINDS = {"chat": "CHAT_MODEL", "text_completion": "LLM", "embeddings": "EMBEDDING",
                "execute_tool": "TOOL", "invoke_agent": "AGENT", "create_agent": "AGENT"}


def _hex_id(value: Any) -> str | None:
    """Ids as lowercase hex, MLflow's rule: strip 0x; base64 only when shorter than 16."""
    if value is None or value == "":
        return None
    text = str(value)
    if text.startswith("0x"):
        return text[2:].lower()
    if len(text) < 16:
        try:
            return base64.b64decode(text, validate=True).hex()
        except (binascii.Error, ValueError):
            return text
    return text.lower()


def _any_value(v: Any) -> Any:
    """An OTLP/JSON AnyValue as a Python value."""
    if not isinstance(v, Mapping):
        return v
    for key in ("stringValue", "boolValue", "doubleValue"):
        if key in v:
            return v[key]
    if "intValue" in v:
        try:
            return int(v["intValue"])
        except (TypeError, ValueError):
            return v["intValue"]
    if "arrayValue" in v:
        return [_any_value(x) for x in (v["arrayValue"] or {}).get("values") or []]
    if "kvlistValue" in v:
        return {kv.get("key"): _any_value(kv.get("value")) for kv in (v["kvlistValue"] or {}).get("values") or []}
    return None


class TraceSpan:
    """One span: ``name``, ``span_id`` / ``parent_id`` (hex), ``span_type``,
    ``status``, ``start_time_ns`` / ``end_time_ns``, ``inputs``, ``outputs``,
    ``attributes`` (decoded), ``events``."""

    __slots__ = ("name", "span_id", "parent_id", "span_type", "status", "status_message",
                 "start_time_ns", "end_time_ns", "attributes", "events")

    def __init__(self, **fields: Any) -> None:
        for key in self.__slots__:
            setattr(self, key, fields.get(key))

    @property
    def inputs(self) -> Any:
        a = self.attributes
        if "mlflow.spanInputs" in a:
            return a["mlflow.spanInputs"]
        return json_or_text(a["input.value"]) if "input.value" in a else None

    @property
    def outputs(self) -> Any:
        a = self.attributes
        if "mlflow.spanOutputs" in a:
            return a["mlflow.spanOutputs"]
        return json_or_text(a["output.value"]) if "output.value" in a else None

    @property
    def duration_ms(self) -> float | None:
        if self.end_time_ns is None or self.start_time_ns is None:
            return None
        return max(0, self.end_time_ns - self.start_time_ns) / 1e6

    @property
    def token_usage(self) -> dict | None:
        a = self.attributes
        usage = a.get("mlflow.chat.tokenUsage")
        if isinstance(usage, Mapping):
            return dict(usage)
        counts = {"input_tokens": a.get("gen_ai.usage.input_tokens", a.get("llm.token_count.prompt")),
                  "output_tokens": a.get("gen_ai.usage.output_tokens", a.get("llm.token_count.completion")),
                  "total_tokens": a.get("llm.token_count.total")}
        counts = {k: int(v) for k, v in counts.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        if counts and "total_tokens" not in counts:
            counts["total_tokens"] = counts.get("input_tokens", 0) + counts.get("output_tokens", 0)
        return counts or None

    @property
    def model(self) -> str | None:
        """The model name the attributes give (the viewer's keys, in its order)."""
        for key in _MODEL_KEYS:
            value = self.attributes.get(key)
            if isinstance(value, str) and value.strip():
                return value
        return None

    def __repr__(self) -> str:
        return f"<TraceSpan {self.name!r} {self.span_type} {self.status}>"


_MODEL_KEYS = ("mlflow.llm.model", "llm.model_name", "gen_ai.response.model", "gen_ai.request.model")
_CACHE_READ = ("cache_read_input_tokens", "llm.token_count.prompt_details.cache_read",
               "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens")
_CACHE_WRITE = ("cache_creation_input_tokens", "llm.token_count.prompt_details.cache_write",
                "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens")


def _first_count(sources: tuple, keys: tuple) -> float:
    for source in sources:
        for key in keys:
            v = source.get(key)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return float(v)
    return 0.0


def _span_estimate(span: TraceSpan, table: Mapping) -> float | None:
    """What a span's tokens cost at list prices (as the viewer's spanEstimate: Anthropic's
    MLflow-style input_tokens leave cache reads and writes out, other conventions count them in)."""
    model, usage = span.model, span.token_usage
    if not model or not usage:
        return None
    inp, out = usage.get("input_tokens"), usage.get("output_tokens")
    read = _first_count((usage, span.attributes), _CACHE_READ)
    write = _first_count((usage, span.attributes), _CACHE_WRITE)
    if isinstance(inp, (int, float)) and read + write > 0:
        mlflow_usage = isinstance(span.attributes.get("mlflow.chat.tokenUsage"), Mapping)
        if read + write > inp or (mlflow_usage and "claude" in model.lower()):
            inp = inp + read + write
    return prices.estimate_cost(model, inp, out, read or None, cache_write_input_tokens=write or None, table=table)


def _mlflow_span(d: Mapping) -> TraceSpan:
    attributes = {str(k): json_or_text(v) for k, v in (d.get("attributes") or {}).items()}
    status = d.get("status")
    if isinstance(status, Mapping):
        code, message = status.get("code"), status.get("message") or ""
    else:
        code, message = d.get("status_code", status), d.get("status_message") or ""
    context = d.get("context") if isinstance(d.get("context"), Mapping) else {}
    start = d.get("start_time_unix_nano", d.get("start_time"))
    end = d.get("end_time_unix_nano", d.get("end_time"))
    return TraceSpan(name=str(d.get("name", "")),
                     span_id=_hex_id(d.get("span_id", context.get("span_id"))),
                     parent_id=_hex_id(d.get("parent_span_id", d.get("parent_id"))),
                     span_type=str(attributes.get("mlflow.spanType") or d.get("span_type") or "UNKNOWN"),
                     status=_STATUS.get(str(code), "UNSET"), status_message=str(message),
                     start_time_ns=int(start) if start not in (None, "") else None,
                     end_time_ns=int(end) if end not in (None, "") else None,
                     attributes=attributes, events=list(d.get("events") or []))


def _otlp_span(d: Mapping) -> TraceSpan:
    attributes = {kv.get("key"): _any_value(kv.get("value")) for kv in d.get("attributes") or []}
    kind = (_OPENINFERENCE_KINDS.get(str(attributes.get("openinference.span.kind", "")).upper())
            or json_or_text(attributes.get("mlflow.spanType"))
            or _TRACELOOP_KINDS.get(str(attributes.get("traceloop.span.kind", "")).lower())
            or _GENAI_KINDS.get(str(attributes.get("gen_ai.operation.name", ""))) or "UNKNOWN")
    status = d.get("status") or {}
    start, end = d.get("startTimeUnixNano"), d.get("endTimeUnixNano")
    return TraceSpan(name=str(d.get("name", "")), span_id=_hex_id(d.get("spanId")),
                     parent_id=_hex_id(d.get("parentSpanId")), span_type=str(kind),
                     status=_STATUS.get(str(status.get("code", "UNSET")), "UNSET"),
                     status_message=str(status.get("message") or ""),
                     start_time_ns=int(start) if start else None, end_time_ns=int(end) if end else None,
                     attributes={k: json_or_text(v) if str(k).startswith("mlflow.") else v for k, v in attributes.items()},
                     events=list(d.get("events") or []))


class Trace:
    """A read-only view of one trace document, for scorers (``trace=`` argument).

    ``trace.spans`` (root first), ``trace.root``, ``trace.search_spans(span_type=,
    name=)``, ``trace.duration_ms``, ``trace.token_usage`` (the trace total),
    ``trace.cost`` (USD, when reported), ``trace.errors`` (spans with ERROR
    status), ``trace.trace_id``, ``trace.info`` and ``trace.to_dict()``."""

    def __init__(self, doc: Mapping) -> None:
        if not isinstance(doc, Mapping):
            raise TypeError(f"a trace document is a dict, got {type(doc).__name__}")
        self._doc = doc
        if "resourceSpans" in doc:
            self.info: dict = {}
            spans = [_otlp_span(s) for rs in doc.get("resourceSpans") or []
                     for ss in (rs or {}).get("scopeSpans") or [] for s in (ss or {}).get("spans") or []]
        else:
            self.info = dict(doc.get("info") or {})
            data = doc.get("data") if isinstance(doc.get("data"), Mapping) else doc
            spans = [_mlflow_span(s) for s in data.get("spans") or [] if isinstance(s, Mapping)]
        ids = {s.span_id for s in spans}
        roots = [s for s in spans if s.parent_id is None or s.parent_id not in ids]
        self.spans: list = roots[:1] + [s for s in spans if s is not (roots[0] if roots else None)]

    @property
    def root(self) -> TraceSpan | None:
        return self.spans[0] if self.spans else None

    @property
    def trace_id(self) -> str | None:
        return self.info.get("trace_id") or self.info.get("request_id")

    def search_spans(self, span_type: str | None = None, name: str | None = None) -> list:
        """Spans of a type (``"TOOL"``, case-insensitive) and/or with a name, in order."""
        kind = span_type.upper() if isinstance(span_type, str) else getattr(span_type, "value", span_type)
        return [s for s in self.spans
                if (kind is None or s.span_type.upper() == str(kind).upper()) and (name is None or s.name == name)]

    @property
    def duration_ms(self) -> float | None:
        """The root span's duration (else the info's execution duration)."""
        root = self.root
        if root is not None and root.duration_ms is not None:
            return root.duration_ms
        value = self.info.get("execution_duration_ms", self.info.get("execution_time_ms"))
        return float(value) if isinstance(value, (int, float)) else None

    @property
    def token_usage(self) -> dict | None:
        """The trace's token totals: the metadata's, else the spans' without double counting."""
        meta = self.info.get("trace_metadata") or self.info.get("request_metadata") or {}
        usage = json_or_text(meta.get("mlflow.trace.tokenUsage")) if isinstance(meta, Mapping) else None
        if isinstance(usage, Mapping):
            return dict(usage)
        by_id = {s.span_id: s for s in self.spans}
        totals: dict = {}
        for span in self.spans:
            usage = span.token_usage
            if not usage:
                continue
            parent, counted = by_id.get(span.parent_id), False
            while parent is not None:
                if parent.token_usage:
                    counted = True
                    break
                parent = by_id.get(parent.parent_id)
            if not counted:
                for key, value in usage.items():
                    if isinstance(value, (int, float)):
                        totals[key] = totals.get(key, 0) + value
        return totals or None

    @property
    def cost(self) -> float | None:
        """The cost in USD the trace or its spans report (None when nothing says)."""
        meta = self.info.get("trace_metadata") or {}
        reported = json_or_text(meta.get("mlflow.trace.cost")) if isinstance(meta, Mapping) else None
        if isinstance(reported, Mapping) and isinstance(reported.get("total_cost"), (int, float)):
            return float(reported["total_cost"])
        total, seen = 0.0, False
        for span in self.spans:
            cost = span.attributes.get("mlflow.llm.cost")
            if isinstance(cost, Mapping) and isinstance(cost.get("total_cost"), (int, float)):
                total, seen = total + float(cost["total_cost"]), True
            elif isinstance(span.attributes.get("llm.cost.total"), (int, float)):
                total, seen = total + float(span.attributes["llm.cost.total"]), True
        return total if seen else None

    @property
    def estimated_cost(self) -> float | None:
        """What the trace's LLM calls cost at list prices (nbtrace's dated table, with the
        trace's ``nbtrace.prices`` or ``configure(prices=)`` over it): spans with a model and
        token counts, each counted once (not again inside an estimated ancestor). ``None``
        when nothing can be priced. Only an estimate: :attr:`cost` is what the trace reports."""
        meta = self.info.get("trace_metadata") or {}
        table = None
        if isinstance(meta, Mapping) and meta.get(prices.METADATA_KEY):
            try:
                table = prices.merge(prices.normalize_prices(json_or_text(meta[prices.METADATA_KEY])))
            except (ValueError, TypeError):
                table = None
        table = table if table is not None else prices.current_table()
        by_id = {s.span_id: s for s in self.spans}
        priced: dict = {}
        total, seen = 0.0, False
        for span in self.spans:
            if span.span_id not in priced:
                priced[span.span_id] = _span_estimate(span, table)
            value = priced[span.span_id]
            if value is None:
                continue
            parent, covered, visited = by_id.get(span.parent_id), False, {span.span_id}
            while parent is not None and not covered and parent.span_id not in visited:
                visited.add(parent.span_id)
                if parent.span_id not in priced:
                    priced[parent.span_id] = _span_estimate(parent, table)
                covered = priced[parent.span_id] is not None
                parent = by_id.get(parent.parent_id)
            if not covered:
                total, seen = total + value, True
        return total if seen else None

    @property
    def errors(self) -> list:
        return [s for s in self.spans if s.status == "ERROR"]

    def to_dict(self) -> dict:
        return dict(self._doc)

    def __iter__(self) -> Iterator:
        return iter(self.spans)

    def __repr__(self) -> str:
        name = self.root.name if self.root else ""
        return f"<nbtrace.Trace {name!r} {len(self.spans)} spans>"
