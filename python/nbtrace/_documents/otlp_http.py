"""OTLP/HTTP plumbing for :mod:`nbtrace.export`: endpoint and header checks, and one
POST with the stdlib ``urllib`` that turns every failure into a one-line reason.

:func:`post` never raises: a receiver that is down, slow, or answers with an HTTP
error gives ``(0, reason)``; an OTLP partial success gives the rejected span count.
"""
from __future__ import annotations

from typing import Any

from .._about import __version__

# The networking modules are imported when first used: `import nbtrace.export` (and
# `import nbtrace`, which imports it) stays cheap for code that never exports.


def require_proto() -> None:
    """Fail early, in the user's call, when opentelemetry-proto is missing."""
    try:
        import opentelemetry.proto.collector.trace.v1.trace_service_pb2  # noqa: F401
    except ImportError as exc:
        raise ImportError("nbtrace.export.otlp needs the opentelemetry-proto package "
                          "(pip install opentelemetry-proto)") from exc


def traces_url(endpoint: Any) -> str:
    """``http(s)://host:port`` → ``.../v1/traces``; a URL with a path is kept as it is."""
    import urllib.parse

    if not isinstance(endpoint, str):
        raise TypeError(f"nbtrace.export.otlp: endpoint must be a URL string, got {type(endpoint).__name__}")
    parts = urllib.parse.urlsplit(endpoint.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"nbtrace.export.otlp: {endpoint!r} is not an http(s) URL; "
                         "expected something like http://localhost:4318")
    path = parts.path if parts.path not in ("", "/") else "/v1/traces"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def request_headers(headers: Any) -> dict:
    """User-Agent, the user's headers, and the protobuf Content-Type (not overridable)."""
    out = {"User-Agent": f"nbtrace/{__version__}"}
    if headers is not None:
        if not hasattr(headers, "items"):
            raise TypeError("nbtrace.export.otlp: headers must be a dict of strings")
        out.update({str(k): str(v) for k, v in headers.items()})
    out["Content-Type"] = "application/x-protobuf"
    return out


def post(url: str, body: bytes, headers: dict, timeout: float) -> tuple:
    """POST one request: ``(rejected spans, None)`` on success, ``(0, reason)`` when the
    receiver is unreachable or answers with an error; never raises."""
    import http.client
    import urllib.error
    import urllib.request

    try:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = response.read()
            content_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        return 0, f"HTTP {exc.code} {exc.reason}{_body_hint(exc)}"
    except urllib.error.URLError as exc:
        return 0, _network_reason(exc.reason, timeout)
    except (OSError, http.client.HTTPException) as exc:
        return 0, _network_reason(exc, timeout)
    except Exception as exc:  # pragma: no cover - last resort: export never raises
        return 0, f"{type(exc).__name__}: {exc}"
    return _partial_success(answer, content_type)


def _network_reason(reason: Any, timeout: float) -> str:
    import socket

    if isinstance(reason, ConnectionRefusedError):
        return "connection refused: nothing listens there"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, socket.gaierror):
        return f"unknown host ({reason})"
    if isinstance(reason, BaseException):
        return f"{type(reason).__name__}: {reason}"
    return str(reason)


def _body_hint(exc: Any) -> str:
    """The start of an HTTP error's body, if it is short readable text."""
    try:
        text = exc.read(500).decode("utf-8")
    except Exception:
        return ""
    text = " ".join(text.split())
    return f": {text[:200]}" if text and text.isprintable() else ""


def _partial_success(answer: bytes, content_type: str) -> tuple:
    """An OTLP receiver may accept a request yet reject some spans (partial success)."""
    if not answer or "protobuf" not in content_type:
        return 0, None
    try:
        from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
            ExportTraceServiceResponse,
        )

        partial = ExportTraceServiceResponse.FromString(answer).partial_success
    except Exception:
        return 0, None
    if partial.rejected_spans:
        message = partial.error_message or "no reason given"
        return partial.rejected_spans, f"the receiver rejected {partial.rejected_spans} span(s): {message}"
    return 0, None
