"""What nbtrace reads out of OpenTelemetry span attributes (no OpenTelemetry import).

OpenTelemetry instrumentations describe an LLM call with attributes only:
OpenInference (``openinference.span.kind``, ``input.value``, ``llm.token_count.*``)
or the GenAI semantic conventions (``gen_ai.operation.name``,
``gen_ai.usage.*``, ``gen_ai.input.messages``). nbtrace keeps every attribute
as is and additionally derives its own fields from them — the span type
(``mlflow.spanType``), inputs/outputs and token usage — so the renderer's
header, token badges and the trace's input/output preview work. The rules
follow the renderer's (``src/model/kind.ts``, ``io.ts``, ``tokens.ts``), so the
Python ``Span.span_type`` agrees with what the notebook shows.

Attributes may be set at start or any time later (many instrumentations set
the kind and the token counts after the call), so :class:`Derived` keeps the
few attributes the rules need and says what changed after each one.
"""
from __future__ import annotations

import traceback
from typing import Any

from .._record.span import INPUTS_KEY, OUTPUTS_KEY, SPAN_TYPE_KEY, TOKEN_USAGE_KEY, Span
from .._util import json_or_text

SPAN_KIND_KEY = "otel.span_kind"  # the key the renderer (and Jaeger exports) use
LINKS_KEY = "otel.links"

OI_KIND_KEY = "openinference.span.kind"
TRACELOOP_KIND_KEY = "traceloop.span.kind"  # OpenLLMetry: workflow, task, agent, tool
GENAI_OPERATION_KEY = "gen_ai.operation.name"
GENAI_TOOL_KEY = "gen_ai.tool.name"

# gen_ai.operation.name → nbtrace span type (as src/model/kind.ts).
GENAI_OPERATION_KINDS = {
    "chat": "CHAT_MODEL",
    "text_completion": "LLM",
    "generate_content": "LLM",
    "embeddings": "EMBEDDING",
    "retrieval": "RETRIEVER",
    "execute_tool": "TOOL",
    "invoke_agent": "AGENT",
    "create_agent": "AGENT",
    "invoke_workflow": "CHAIN",
}

# Inputs/outputs, first present wins: (value key, mime-type key or None).
# ``mlflow.spanInputs``/``Outputs`` set through OTel hold JSON text (MLflow's own
# OTel spans do): decoded, and not stored raw (that would encode them twice).
INPUT_SOURCES = ((INPUTS_KEY, None), ("input.value", "input.mime_type"),
                 ("gen_ai.input.messages", None), ("gen_ai.tool.call.arguments", None))
OUTPUT_SOURCES = ((OUTPUTS_KEY, None), ("output.value", "output.mime_type"),
                  ("gen_ai.output.messages", None), ("gen_ai.tool.call.result", None))

# Token counts → nbtrace usage keys; OpenInference wins over GenAI (as the renderer).
OI_TOKENS = {
    "llm.token_count.prompt": "input_tokens",
    "llm.token_count.completion": "output_tokens",
    "llm.token_count.total": "total_tokens",
    "llm.token_count.prompt_details.cache_read": "cache_read_input_tokens",
    "llm.token_count.prompt_details.cache_write": "cache_creation_input_tokens",
    "llm.token_count.completion_details.reasoning": "reasoning_tokens",
}
GENAI_TOKENS = {
    "gen_ai.usage.input_tokens": "input_tokens",
    "gen_ai.usage.prompt_tokens": "input_tokens",
    "gen_ai.usage.output_tokens": "output_tokens",
    "gen_ai.usage.completion_tokens": "output_tokens",
    "gen_ai.usage.total_tokens": "total_tokens",
    "gen_ai.usage.cache_read.input_tokens": "cache_read_input_tokens",
    "gen_ai.usage.cache_read_input_tokens": "cache_read_input_tokens",
    "gen_ai.usage.cache_creation.input_tokens": "cache_creation_input_tokens",
    "gen_ai.usage.cache_creation_input_tokens": "cache_creation_input_tokens",
    "gen_ai.usage.reasoning.output_tokens": "reasoning_tokens",
    "gen_ai.usage.reasoning_tokens": "reasoning_tokens",
}

_KIND_KEYS = frozenset({OI_KIND_KEY, SPAN_TYPE_KEY, TRACELOOP_KIND_KEY, GENAI_OPERATION_KEY, GENAI_TOOL_KEY})
_INPUT_KEYS = frozenset(k for pair in INPUT_SOURCES for k in pair if k)
_OUTPUT_KEYS = frozenset(k for pair in OUTPUT_SOURCES for k in pair if k)
# Keys only derived from, never stored as they come.
DERIVED_ONLY = frozenset({INPUTS_KEY, OUTPUTS_KEY})

KIND, INPUTS, OUTPUTS, USAGE = 1, 2, 4, 8


def _explicit_kind(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    if value.startswith('"'):  # JSON-encoded, as MLflow writes its attributes
        value = _decode(value)
        if not isinstance(value, str):
            return None
    kind = value.strip().upper()
    return kind if kind and kind != "UNKNOWN" else None


def _decode(value: Any, mime: Any = None, always: bool = True) -> Any:
    """A JSON string → its value (when ``always`` or the mime type says JSON); else as is."""
    return json_or_text(value) if always or (isinstance(mime, str) and "json" in mime.lower()) else value


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and value == value and abs(value) < 1e18:
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value))
        except (ValueError, OverflowError):
            return None
    return None


class Derived:
    """The attributes of one span that nbtrace derives fields from, and those fields."""

    __slots__ = ("_values", "_llm_hint", "_oi_usage", "_genai_usage")

    def __init__(self) -> None:
        self._values: dict = {}  # kind and input/output keys → raw value
        self._llm_hint = False  # some gen_ai.* / llm.* attribute was seen
        self._oi_usage: dict = {}
        self._genai_usage: dict = {}

    def absorb(self, key: str, value: Any) -> int:
        """Note one attribute; returns which derived fields it may change (bit flags)."""
        changed = 0
        if key in _KIND_KEYS:
            self._values[key] = value
            changed |= KIND
        elif key in _INPUT_KEYS:
            self._values[key] = value
            changed |= INPUTS
        elif key in _OUTPUT_KEYS:
            self._values[key] = value
            changed |= OUTPUTS
        if key in OI_TOKENS or key in GENAI_TOKENS:
            target = self._oi_usage if key in OI_TOKENS else self._genai_usage
            count = _count(value)
            if count is not None:
                target[(OI_TOKENS.get(key) or GENAI_TOKENS[key])] = count
                changed |= USAGE
        if not self._llm_hint and key.startswith(("gen_ai.", "llm.")):
            self._llm_hint = True
            changed |= KIND
        return changed

    def kind(self) -> str | None:
        """nbtrace span type, in the renderer's order of trust; ``None`` if nothing says."""
        values = self._values
        explicit = (_explicit_kind(values.get(OI_KIND_KEY)) or _explicit_kind(values.get(SPAN_TYPE_KEY))
                    or _explicit_kind(values.get(TRACELOOP_KIND_KEY)))
        if explicit:
            return explicit
        operation = values.get(GENAI_OPERATION_KEY)
        if isinstance(operation, str):
            kind = GENAI_OPERATION_KINDS.get(operation.strip().lower())
            if kind:
                return kind
        if values.get(GENAI_TOOL_KEY) is not None:
            return "TOOL"
        return "LLM" if self._llm_hint else None

    def _io(self, sources: tuple) -> tuple:
        for value_key, mime_key in sources:
            if value_key in self._values:
                value = self._values[value_key]
                if mime_key is None:
                    return True, _decode(value)
                return True, _decode(value, self._values.get(mime_key), always=False)
        return False, None

    def inputs(self) -> tuple:
        """``(found, value)``: OpenInference ``input.value`` (JSON-decoded when its mime
        type says JSON), else GenAI input messages / tool-call arguments."""
        return self._io(INPUT_SOURCES)

    def outputs(self) -> tuple:
        return self._io(OUTPUT_SOURCES)

    def usage(self) -> dict | None:
        """Token counts in nbtrace's keys (OpenInference first, then GenAI)."""
        return dict(self._oi_usage or self._genai_usage) or None

    def start_attributes(self) -> dict:
        """nbtrace's own attributes derived from a new span's attributes (all already
        absorbed): inputs, outputs and token usage, set before the span is visible."""
        extra: dict = {}
        found, value = self.inputs()
        if found:
            extra[INPUTS_KEY] = value
        found, value = self.outputs()
        if found:
            extra[OUTPUTS_KEY] = value
        usage = self.usage()
        if usage:
            extra[TOKEN_USAGE_KEY] = usage
        return extra


# ---------------------------------------------------------------- attributes
def apply_attribute(nb: Span, derived: Derived, key: Any, value: Any) -> None:
    """Set one OTel attribute on a running span (kept raw) and update what nbtrace
    derives from it (span type, inputs/outputs, token usage)."""
    if value is None:  # undefined in OTel; the SDK drops it too
        return
    key = str(key)
    if key == TOKEN_USAGE_KEY and isinstance(value, str):
        value = _decode(value)
    if key not in DERIVED_ONLY:
        nb.set_attribute(key, value)
    changed = derived.absorb(key, value)
    if changed:
        apply_derived(nb, derived, changed)


def apply_derived(nb: Span, derived: Derived, changed: int) -> None:
    if changed & KIND:
        kind = derived.kind()
        if kind is not None and kind != nb.span_type:
            nb._set_span_type(kind)
    if changed & INPUTS:
        found, value = derived.inputs()
        if found:
            nb.set_inputs(value)
    if changed & OUTPUTS:
        found, value = derived.outputs()
        if found:
            nb.set_outputs(value)
    if changed & USAGE:
        usage = derived.usage()
        if usage:
            nb.set_token_usage(**usage)


def link_dict(link: Any) -> dict:
    ctx = link.context
    return {"trace_id": f"{ctx.trace_id:032x}", "span_id": f"{ctx.span_id:016x}",
            "attributes": dict(link.attributes or {})}


def start_attributes(derived: Derived, attributes: Any, kind: Any, scope: dict,
                     links: Any, remote_parent: Any) -> dict:
    """The attributes of a new nbtrace span for an OTel span: the OTel ones (raw),
    then what nbtrace derives from them, the span kind, scope, links and a remote
    parent (one nbtrace cannot nest under, e.g. from an incoming ``traceparent``)."""
    attrs: dict = {}
    for key, value in dict(attributes or {}).items():
        if value is None:
            continue
        key = str(key)
        if key == TOKEN_USAGE_KEY and isinstance(value, str):
            value = _decode(value)
        derived.absorb(key, value)
        if key not in DERIVED_ONLY:
            attrs[key] = value
    attrs.update(derived.start_attributes())
    attrs[SPAN_KIND_KEY] = getattr(kind, "name", None) or str(kind or "INTERNAL")
    attrs.update(scope)
    if links:
        attrs[LINKS_KEY] = [link_dict(link) for link in links]
    if remote_parent is not None and getattr(remote_parent, "is_valid", False):
        attrs["otel.parent.trace_id"] = f"{remote_parent.trace_id:032x}"
        attrs["otel.parent.span_id"] = f"{remote_parent.span_id:016x}"
    return attrs


def exception_attributes(exception: BaseException, escaped: bool) -> dict:
    """The ``exception`` event attributes, as the OpenTelemetry SDK writes them."""
    cls = type(exception)
    module = getattr(cls, "__module__", "")
    type_name = f"{module}.{cls.__qualname__}" if module and module != "builtins" else cls.__qualname__
    try:
        message = str(exception)
    except Exception:
        message = f"<unprintable {cls.__name__}>"
    try:
        stack = "".join(traceback.format_exception(cls, exception, exception.__traceback__))
    except Exception:
        stack = f"{type_name}: {message}"
    return {"exception.type": type_name, "exception.message": message,
            "exception.stacktrace": stack, "exception.escaped": str(bool(escaped))}
