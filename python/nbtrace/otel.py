"""Show OpenTelemetry spans as nbtrace traces in the notebook.

::

    import nbtrace.otel
    nbtrace.otel.instrument()          # nbtrace becomes the global OTel TracerProvider

    from opentelemetry import trace
    tracer = trace.get_tracer("my-app")
    with tracer.start_as_current_span("agent", attributes={"openinference.span.kind": "AGENT"}):
        ...                            # shown live in the cell, like nbtrace's own spans

Every span any library creates through ``opentelemetry.trace.get_tracer(...)``
is then an nbtrace span: nesting through OTel's context (also across
``context.attach`` in threads), attributes (kept raw), events, status,
exceptions, links (attribute ``otel.links``), span kind (``otel.span_kind``),
explicit start/end times. The span type, inputs/outputs and token usage are
derived from OpenInference (``openinference.span.kind``, ``input.value``,
``llm.token_count.*``) and GenAI (``gen_ai.operation.name``, ``gen_ai.usage.*``)
attributes, also when set after the start. OTel and nbtrace spans nest in each
other both ways (``@nbtrace.trace`` inside an OTel span and vice versa).

**The global provider is set-once** in OpenTelemetry. ``instrument()`` therefore:

* sets nbtrace's provider when none is set yet;
* if an OpenTelemetry **SDK** provider is already global (it has
  ``add_span_processor``), adds nbtrace's span processor to it instead, so the
  user's exporters keep working and nbtrace mirrors the spans;
* if another, non-SDK provider is global, warns (:class:`nbtrace.NbtraceWarning`)
  and returns nbtrace's provider unset — pass it explicitly
  (``trace.get_tracer(name, tracer_provider=provider)``) or call
  ``instrument(override=True)``, which replaces the global provider by writing
  ``opentelemetry.trace._TRACER_PROVIDER`` (a private variable, knowingly: tracers
  a library obtained before keep the old provider). ``uninstrument()`` puts the
  previous provider back.

``instrument(sdk_tracer_provider)`` adds the processor to that SDK provider.
Importing this module does not import OpenTelemetry; ``instrument()`` does.
"""
from __future__ import annotations

import threading
import warnings
from typing import Any

from ._record.collector import get_collector
from ._util import NbtraceWarning

__all__ = ["NbtraceSpanProcessor", "NbtraceTracerProvider", "instrument", "uninstrument"]

_lock = threading.RLock()
_provider: Any = None  # nbtrace's TracerProvider (one per process)
_processors: dict = {}  # id(SDK provider) → (provider, NbtraceSpanProcessor)
_replaced: list = []  # [previous global provider] after instrument(override=True)


def _api() -> Any:
    try:
        from ._integrations import otel_api as _otel_api
    except ImportError as exc:
        raise ImportError("nbtrace.otel needs the OpenTelemetry API: pip install opentelemetry-api"
                          ) from exc
    return _otel_api


def _install_parent_hook() -> None:
    from ._integrations.otel_parents import parent_hook

    get_collector().parent_hook = parent_hook


def instrument(tracer_provider: Any = None, *, override: bool = False) -> Any:
    """Route OpenTelemetry spans into nbtrace; returns the provider in use.

    ``tracer_provider=None``: make nbtrace's ``TracerProvider`` the global one (see
    the module docstring for when one is set already). An SDK ``TracerProvider``:
    add nbtrace's span processor to it. Calling it again is harmless."""
    api = _api()
    with _lock:
        _install_parent_hook()
        if tracer_provider is None:
            return _install_global(api, override)
        if getattr(tracer_provider, "_nbtrace_provider", False):
            tracer_provider.enabled = True
            return tracer_provider
        if callable(getattr(tracer_provider, "add_span_processor", None)):
            return _add_processor(tracer_provider)
        raise TypeError("nbtrace.otel.instrument: expected None or an OpenTelemetry SDK TracerProvider "
                        f"(with add_span_processor), got {type(tracer_provider).__name__}")


def _our_provider(api: Any) -> Any:
    global _provider
    if _provider is None:
        _provider = api.NbtraceTracerProvider()
    _provider.enabled = True
    return _provider


def _install_global(api: Any, override: bool) -> Any:
    from opentelemetry import trace as trace_api

    provider = _our_provider(api)
    current = getattr(trace_api, "_TRACER_PROVIDER", None)
    if current is None:
        trace_api.set_tracer_provider(provider)  # set-once: a no-op if someone just set one
        current = trace_api.get_tracer_provider()
    if current is provider:
        return provider
    if getattr(current, "_nbtrace_provider", False):  # ours, from before a module reload
        current.enabled = True
        return current
    if override:
        _replaced[:] = [current]
        trace_api._TRACER_PROVIDER = provider  # knowingly past the set-once guard (see above)
        return provider
    if callable(getattr(current, "add_span_processor", None)):  # the OTel SDK is in use
        return _add_processor(current)
    warnings.warn(
        f"nbtrace.otel.instrument(): another OpenTelemetry TracerProvider ({type(current).__name__}) "
        "is already the global one, and OpenTelemetry lets it be set only once, so spans created "
        "through it are not shown by nbtrace. Use instrument(override=True) to replace it, or pass "
        "the returned provider explicitly: trace.get_tracer(name, tracer_provider=provider).",
        NbtraceWarning, stacklevel=3)
    return provider


def _add_processor(sdk_provider: Any) -> Any:
    entry = _processors.get(id(sdk_provider))
    if entry is not None and entry[0] is sdk_provider:
        entry[1].enabled = True
        return sdk_provider
    from ._integrations.otel_sdk import make_processor

    processor = make_processor()
    sdk_provider.add_span_processor(processor)
    _processors[id(sdk_provider)] = (sdk_provider, processor)
    return sdk_provider


def uninstrument() -> None:
    """Stop routing OpenTelemetry spans into nbtrace.

    OpenTelemetry cannot unset its global provider: nbtrace's stays but hands out
    non-recording spans (as the API's no-op provider does); a provider replaced by
    ``instrument(override=True)`` is put back; span processors added to SDK
    providers stop mirroring. ``instrument()`` turns it all on again."""
    with _lock:
        collector = get_collector()
        if collector.parent_hook is not None and getattr(collector.parent_hook, "__module__", "") \
                == "nbtrace._integrations.otel_parents":
            collector.parent_hook = None
        if _provider is not None:
            _provider.enabled = False
        for _sdk_provider, processor in _processors.values():
            processor.enabled = False
        if _replaced:
            from opentelemetry import trace as trace_api

            if trace_api._TRACER_PROVIDER is _provider:
                trace_api._TRACER_PROVIDER = _replaced[0]
            _replaced.clear()


def __getattr__(name: str) -> Any:
    """``NbtraceTracerProvider`` / ``NbtraceSpanProcessor``, imported on first use."""
    if name == "NbtraceTracerProvider":
        return _api().NbtraceTracerProvider
    if name == "NbtraceSpanProcessor":
        from ._integrations.otel_sdk import NbtraceSpanProcessor

        return NbtraceSpanProcessor
    raise AttributeError(f"module 'nbtrace.otel' has no attribute {name!r}")
