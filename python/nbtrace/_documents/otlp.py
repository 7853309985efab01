"""Trace documents → OpenTelemetry (OTLP) spans, as OTLP/JSON or as protobuf.

Input: what nbtrace has or emits — a :class:`~nbtrace.TraceRecord`, a
:class:`~nbtrace.Span`, an MLflow-v3 trace dict (``get_last_trace()``, the MIME
payload; also MLflow's own ``Trace.to_dict()``), one span dict of it, an object
with ``.to_dict()``, or a list of those. Everything is first turned into MLflow
span dicts (one code path, :func:`trace_to_dict`), then into :class:`OtlpSpan`
(ids as bytes, times as int nanoseconds, attribute values as Python values),
which renders either as OTLP/JSON (:func:`document_json`) or as an
``ExportTraceServiceRequest`` (:func:`request_proto`, needs opentelemetry-proto).

Attribute values (MLflow stores every span attribute JSON-encoded):

* ``mlflow.*`` keys (``mlflow.spanInputs``, ``mlflow.spanOutputs``,
  ``mlflow.spanType``, ``mlflow.chat.tokenUsage``, ...) stay **string values
  holding JSON**, as MLflow's own OTLP exporter sends them: an MLflow server
  ``json.loads`` them back, and nbtrace's viewer JSON-decodes ``mlflow.*`` values.
* every other span attribute is decoded and sent **typed** (string / int /
  double / bool / array / kvlist AnyValue), so Jaeger, Phoenix or a Collector
  see ``0.7`` and ``"gpt-4o"``, not ``"0.7"`` and ``"\\"gpt-4o\\""``. (MLflow
  reads these back unchanged: its attribute reader keeps values that are not JSON.)
* event attributes are plain JSON values already: sent typed.

Integers outside int64 become string values (decimal text, nothing lost); ``None``
becomes an empty AnyValue. Spans have kind INTERNAL. A span still running has
no end time (``endTimeUnixNano`` left out; 0 in protobuf).
"""
from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Mapping
from typing import Any

from .._about import __version__
from .._record.record import TraceRecord
from .._record.span import Span
from .._util import json_or_text
from .mlflow import span_to_dict, trace_to_dict

INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1
SPAN_KIND_INTERNAL = 1
STATUS_UNSET, STATUS_OK, STATUS_ERROR = 0, 1, 2
_STATUS = {"UNSET": 0, "OK": 1, "ERROR": 2, "0": 0, "1": 1, "2": 2}
_MAX_DEPTH = 64
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


class OtlpSpan:
    """One span, ready for OTLP: ids as bytes, times as int ns, typed attribute values."""

    __slots__ = ("trace_id", "span_id", "parent_span_id", "name", "start_ns", "end_ns",
                 "attributes", "events", "status_code", "status_message")

    def __init__(self, trace_id: bytes, span_id: bytes, parent_span_id: bytes, name: str,
                 start_ns: int, end_ns: int | None, attributes: list, events: list,
                 status_code: int, status_message: str) -> None:
        self.trace_id = trace_id
        self.span_id = span_id
        self.parent_span_id = parent_span_id  # b"" for a root
        self.name = name
        self.start_ns = start_ns
        self.end_ns = end_ns
        self.attributes = attributes  # [(key, python value)]
        self.events = events  # [(name, time_ns, [(key, value)])]
        self.status_code = status_code
        self.status_message = status_message


# ------------------------------------------------------------------ input → span dicts
def span_dicts(obj: Any) -> list[dict]:
    """All MLflow span dicts in ``obj`` (see the module docstring); ``TypeError`` otherwise."""
    if isinstance(obj, TraceRecord):
        return trace_to_dict(obj)["data"]["spans"]
    if isinstance(obj, Span):
        with obj._trace.lock:
            return [span_to_dict(obj)]
    if isinstance(obj, Mapping):
        data = obj.get("data")
        if isinstance(data, Mapping) and isinstance(data.get("spans"), list):
            return [s for s in data["spans"] if isinstance(s, Mapping)]
        if isinstance(obj.get("trace"), Mapping):
            return span_dicts(obj["trace"])
        if isinstance(obj.get("spans"), list) and "span_id" not in obj:
            return [s for s in obj["spans"] if isinstance(s, Mapping)]
        if "span_id" in obj or "context" in obj:
            return [obj]
        raise TypeError("nbtrace.export: this dict is neither an MLflow trace dict "
                        f"({{'info', 'data'}}) nor a span dict; got keys {list(obj)[:8]}")
    if isinstance(obj, (list, tuple)):
        out: list = []
        for item in obj:
            out.extend(span_dicts(item))
        return out
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        return span_dicts(to_dict())
    raise TypeError("nbtrace.export: expected a TraceRecord, a Span, an MLflow trace dict, a span "
                    f"dict or a list of those; got {type(obj).__name__}")


# ------------------------------------------------------------------ span dict → OtlpSpan
def id_bytes(value: Any, size: int) -> bytes:
    """An id as ``size`` bytes: from base64 (nbtrace/MLflow dicts), hex, ``tr-<hex>``,
    ``0x<hex>``, an int or bytes. Any other text is hashed, so links stay consistent."""
    if isinstance(value, (bytes, bytearray)):
        raw = bytes(value)
        return raw[-size:].rjust(size, b"\0")
    if isinstance(value, int) and not isinstance(value, bool):
        return (value % (1 << (8 * size))).to_bytes(size, "big")
    text = str(value).strip()
    hex_text = text
    for prefix in ("tr-", "0x", "0X"):
        if hex_text.startswith(prefix):
            hex_text = hex_text[len(prefix):]
            break
    is_hex = bool(hex_text) and all(c in _HEX_DIGITS for c in hex_text)
    if is_hex and len(hex_text) == 2 * size:
        return bytes.fromhex(hex_text)
    try:
        raw = base64.b64decode(text, validate=True)
        if 0 < len(raw) <= size:  # short ones ("MTIzNA==") padded, as MLflow's UI reads them
            return raw.rjust(size, b"\0")
    except (binascii.Error, ValueError):
        pass
    if is_hex and len(hex_text) < 2 * size:  # e.g. "0x1f" from MLflow v2 dicts
        return bytes.fromhex(hex_text.rjust(2 * size, "0"))
    import hashlib  # rare (ids that are neither hex nor base64): imported when needed

    return hashlib.sha256(text.encode("utf-8", "backslashreplace")).digest()[:size]


def _int_ns(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        ns = int(value)
    except (TypeError, ValueError):
        return None
    return ns if ns > 0 else None


def _status(d: Mapping) -> tuple:
    status = d.get("status")
    if isinstance(status, Mapping):  # v3 {code, message}; older {status_code, description}
        code = status.get("code", status.get("status_code"))
        message = status.get("message", status.get("description"))
    else:
        code, message = d.get("status_code", status), d.get("status_message")
    name = str(getattr(code, "name", code) if code is not None else "UNSET").upper()
    name = name.replace("STATUS_CODE_", "")
    return _STATUS.get(name, STATUS_UNSET), str(message) if message else ""


def attribute_value(key: str, value: Any) -> Any:
    """The value to send for one span attribute (see the module docstring)."""
    if key.startswith("mlflow."):
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, default=str)
    return json_or_text(value)  # (not JSON: another SDK wrote a raw string; kept)


def otlp_span(d: Mapping) -> OtlpSpan:
    """One MLflow span dict (v3 as nbtrace emits it; MLflow's v2/v4 spellings too)."""
    context = d.get("context") if isinstance(d.get("context"), Mapping) else {}
    trace_id = d.get("otel_trace_id") or context.get("trace_id") or d.get("trace_id") or ""
    span_id = d.get("span_id") or context.get("span_id") or ""
    parent = d.get("parent_span_id", d.get("parent_id"))
    start = _int_ns(d.get("start_time_unix_nano", d.get("start_time"))) or 0
    end = _int_ns(d.get("end_time_unix_nano", d.get("end_time")))
    attrs = d.get("attributes") if isinstance(d.get("attributes"), Mapping) else {}
    events = []
    for e in d.get("events") or []:
        if not isinstance(e, Mapping):
            continue
        when = _int_ns(e.get("time_unix_nano", e.get("timestamp"))) or start
        eattrs = e.get("attributes") if isinstance(e.get("attributes"), Mapping) else {}
        events.append((str(e.get("name", "")), when, [(str(k), v) for k, v in eattrs.items()]))
    attributes = [(str(k), attribute_value(str(k), v)) for k, v in attrs.items()]
    if isinstance(d.get("span_type"), str) and "mlflow.spanType" not in attrs:  # legacy field
        attributes.append(("mlflow.spanType", json.dumps(d["span_type"])))
    code, message = _status(d)
    return OtlpSpan(
        trace_id=id_bytes(trace_id, 16), span_id=id_bytes(span_id, 8),
        parent_span_id=id_bytes(parent, 8) if parent else b"",
        name=str(d.get("name", "")), start_ns=start, end_ns=end,
        attributes=attributes,
        events=events, status_code=code, status_message=message)


def otlp_spans(obj: Any) -> list[OtlpSpan]:
    return [otlp_span(d) for d in span_dicts(obj)]


def resource_attributes(service_name: str) -> list:
    return [("service.name", str(service_name)), ("telemetry.sdk.name", "nbtrace"),
            ("telemetry.sdk.language", "python"), ("telemetry.sdk.version", __version__)]


# ------------------------------------------------------------------ OTLP/JSON
def any_value_json(v: Any, depth: int = 0) -> dict:
    """A Python value as an OTLP/JSON AnyValue (int64 as a decimal string)."""
    if isinstance(v, str):
        return {"stringValue": v}
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, int):
        if INT64_MIN <= v <= INT64_MAX:
            return {"intValue": str(v)}
        return {"stringValue": str(v)}
    if isinstance(v, float):
        if math.isfinite(v):
            return {"doubleValue": v}
        return {"doubleValue": "NaN" if v != v else ("Infinity" if v > 0 else "-Infinity")}
    if v is None or depth > _MAX_DEPTH:
        return {}
    if isinstance(v, (list, tuple)):
        return {"arrayValue": {"values": [any_value_json(x, depth + 1) for x in v]}}
    if isinstance(v, Mapping):
        return {"kvlistValue": {"values": [{"key": str(k), "value": any_value_json(x, depth + 1)}
                                           for k, x in v.items()]}}
    return {"stringValue": str(v)}


def _kv_json(items: list) -> list:
    return [{"key": k, "value": any_value_json(v)} for k, v in items]


def span_json(s: OtlpSpan) -> dict:
    out: dict = {"traceId": s.trace_id.hex(), "spanId": s.span_id.hex()}
    if s.parent_span_id:
        out["parentSpanId"] = s.parent_span_id.hex()
    out.update(name=s.name, kind=SPAN_KIND_INTERNAL, startTimeUnixNano=str(s.start_ns))
    if s.end_ns is not None:
        out["endTimeUnixNano"] = str(s.end_ns)
    out["attributes"] = _kv_json(s.attributes)
    out["events"] = [{"timeUnixNano": str(t), "name": n, "attributes": _kv_json(a)}
                     for n, t, a in s.events]
    out["status"] = {"code": s.status_code, "message": s.status_message}
    return out


def document_json(spans: list[OtlpSpan], service_name: str) -> dict:
    """``{"resourceSpans": [...]}``: one resource, one scope (``nbtrace`` + version)."""
    return {"resourceSpans": [{
        "resource": {"attributes": _kv_json(resource_attributes(service_name))},
        "scopeSpans": [{"scope": {"name": "nbtrace", "version": __version__},
                        "spans": [span_json(s) for s in spans]}],
    }]}


# ------------------------------------------------------------------ protobuf
def _set_text(pb: Any, name: str, text: str) -> None:
    """Set a protobuf string field; text that is not valid UTF-8 (lone surrogates, from a
    foreign trace dict) is sent with those characters backslash-escaped."""
    try:
        setattr(pb, name, text)
    except (UnicodeError, ValueError):
        setattr(pb, name, text.encode("utf-8", "backslashreplace").decode("utf-8"))


def _fill_any(pb: Any, v: Any, depth: int = 0) -> None:
    if isinstance(v, str):
        _set_text(pb, "string_value", v)
    elif isinstance(v, bool):
        pb.bool_value = v
    elif isinstance(v, int):
        if INT64_MIN <= v <= INT64_MAX:
            pb.int_value = v
        else:
            pb.string_value = str(v)
    elif isinstance(v, float):
        pb.double_value = v
    elif v is None or depth > _MAX_DEPTH:
        pb.SetInParent()  # an empty AnyValue, present (as the JSON "{}" parses)
    elif isinstance(v, (list, tuple)):
        values = pb.array_value.values
        pb.array_value.SetInParent()  # an empty list is still an array
        for x in v:
            _fill_any(values.add(), x, depth + 1)
    elif isinstance(v, Mapping):
        values = pb.kvlist_value.values
        pb.kvlist_value.SetInParent()
        for k, x in v.items():
            kv = values.add()
            _set_text(kv, "key", str(k))
            _fill_any(kv.value, x, depth + 1)
    else:
        pb.string_value = str(v)


def _fill_kvs(repeated: Any, items: list) -> None:
    for key, value in items:
        kv = repeated.add()
        _set_text(kv, "key", key)
        _fill_any(kv.value, value)


def request_proto(spans: list[OtlpSpan], service_name: str) -> Any:
    """An ``ExportTraceServiceRequest`` (opentelemetry-proto) holding ``spans``."""
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    request = ExportTraceServiceRequest()
    rs = request.resource_spans.add()
    _fill_kvs(rs.resource.attributes, resource_attributes(service_name))
    ss = rs.scope_spans.add()
    ss.scope.name = "nbtrace"
    ss.scope.version = __version__
    for s in spans:
        pb = ss.spans.add()
        pb.trace_id = s.trace_id
        pb.span_id = s.span_id
        if s.parent_span_id:
            pb.parent_span_id = s.parent_span_id
        _set_text(pb, "name", s.name)
        pb.kind = SPAN_KIND_INTERNAL
        pb.start_time_unix_nano = s.start_ns
        if s.end_ns is not None:
            pb.end_time_unix_nano = s.end_ns
        _fill_kvs(pb.attributes, s.attributes)
        for name, when, attrs in s.events:
            event = pb.events.add()
            event.time_unix_nano = when
            _set_text(event, "name", name)
            _fill_kvs(event.attributes, attrs)
        pb.status.code = s.status_code
        if s.status_message:
            _set_text(pb.status, "message", s.status_message)
    return request
