"""LangChain callbacks → nbtrace spans, mapped the way MLflow's ``MlflowLangchainTracer`` does.

Pass the handler to a run, or register it for every run with :func:`autolog`::

    from nbtrace.langchain import NbtraceCallbackHandler, autolog
    chain.invoke(x, config={"callbacks": [NbtraceCallbackHandler()]})
    autolog()  # every LangChain run from now on (needs langchain-core)

Mapping: chains → CHAIN (AGENT when the run's name or a tag says "agent"); chat
models → CHAT_MODEL with the messages as dicts (``role``, ``type``, ``content``,
``tool_calls``, …, batched ``[[...]]`` as LangChain passes them),
``mlflow.message.format = "langchain"`` and the offered tools in
``mlflow.chat.tools``; text LLMs → LLM; outputs are the ``LLMResult`` as a dict
with token usage from the messages' ``usage_metadata`` or ``llm_output``; streamed
tokens → ``new_token`` events (the first ``max_token_events`` per run); tools →
TOOL; retrievers → RETRIEVER with ``[{page_content, metadata, id}]``; agent
actions/finishes, text, retries and custom events → events on their run's span;
``on_*_error`` → an ``exception`` event and ERROR status.

Runs are keyed by ``run_id``; ``parent_run_id`` gives the parent span. A run with
no known parent nests under the current nbtrace span (or starts a trace). While
a run is open its span is the current nbtrace span (``attach_context=True``), so
``@nbtrace.trace`` functions called inside a tool nest under the tool's span (in a
notebook, a run still open when its cell ends — an unconsumed ``chain.stream()`` —
ends with the cell's trace and stops being current).
LangChain objects are duck-typed (``langchain_core`` is imported only to subclass
its ``BaseCallbackHandler`` when installed). Thread-safe; never raises into
LangChain. Written against LangChain's documented callbacks, untested live.
"""
from __future__ import annotations

import contextvars
import functools
import threading
import weakref
from typing import Any, Callable

from ._integrations.langchain_convert import (convert, document_dict, llm_result_dict, message_dict,
                                 model_attributes, retry_attributes, run_attributes, run_name,
                                 token_usage, tool_inputs)
from ._notebook import kernel
from ._record.collector import TraceCollector, get_collector
from ._record.context import _current_span
from ._record.serialize import dumps
from ._record.span import Span
from ._util import report_internal_error

try:  # subclass LangChain's handler when it is there (isinstance checks, defaults)
    from langchain_core.callbacks import BaseCallbackHandler as _Base
except Exception:  # not installed (or broken): a plain class with the same switches
    _Base = object

__all__ = ["NbtraceCallbackHandler", "autolog"]

_NO_OUTPUTS = object()
_MAX_RUNS = 10_000
# Spans opened by a LangChain handler (of any instance): see _parent().
_run_spans: weakref.WeakSet = weakref.WeakSet()


def _safe(method: Callable) -> Callable:
    """Never raise into LangChain; do nothing while the handler is disabled."""
    what = f"the LangChain callback {method.__name__}"

    @functools.wraps(method)
    def wrapper(self: NbtraceCallbackHandler, *args: Any, **kwargs: Any) -> None:
        if self.disabled:
            return None
        try:
            method(self, *args, **kwargs)
        except Exception as exc:
            report_internal_error(what, exc)
        return None

    return wrapper


class _Run:
    __slots__ = ("span", "token", "tokens", "dropped")

    def __init__(self, span: Span, token: Any) -> None:
        self.span, self.token, self.tokens, self.dropped = span, token, 0, 0


_cell_hook_lock = threading.Lock()
_cell_hook_shell: Any = None


def _install_cell_hook() -> None:
    """In a kernel, register :func:`_cell_ended` (once) as a ``post_run_cell`` hook."""
    global _cell_hook_shell
    try:
        shell = kernel.get_shell()
        if shell is None or getattr(shell, "kernel", None) is None:
            return
        with _cell_hook_lock:
            if _cell_hook_shell is None:
                shell.events.register("post_run_cell", _cell_ended)
                _cell_hook_shell = shell
    except Exception as exc:
        report_internal_error("registering the LangChain cell-end hook", exc)


def _cell_ended(result: Any = None) -> None:
    """A run still open when its cell ends (say, an unconsumed ``chain.stream()``) is
    ended with the cell's trace; it must not stay the current span of later cells
    (cells share one context)."""
    try:
        if _current_span.get() in _run_spans:
            _current_span.set(None)
    except Exception as exc:
        report_internal_error("resetting the current span at the end of a cell", exc)


# ------------------------------------------------------------------ the handler
class NbtraceCallbackHandler(_Base):  # type: ignore[misc, valid-type]
    """LangChain callback handler recording runs as nbtrace spans (see the module doc).

    ``collector``: where spans go (default: the process-wide one, shown in the
    notebook). ``attach_context``: make a run's span the current nbtrace span while
    it runs. ``max_token_events``: ``new_token`` events kept per run (the rest are
    counted in ``nbtrace.dropped_new_token_events``).
    """

    raise_error = False  # LangChain must never fail because of tracing
    run_inline = True  # async managers call us in the run's own context: nesting, order

    def __init__(self, collector: TraceCollector | None = None, attach_context: bool = True,
                 max_token_events: int = 200) -> None:
        super().__init__()
        self.disabled = False
        self._collector = collector if collector is not None else get_collector()
        self._attach = bool(attach_context)
        self._max_token_events = max(0, int(max_token_events))
        self._lock = threading.Lock()
        self._runs: dict[str, _Run] = {}
        self._prune_at = 256

    # What LangChain's CallbackManager reads (the base class has them too).
    ignore_llm = ignore_retry = ignore_chain = ignore_agent = property(lambda self: self.disabled)
    ignore_retriever = ignore_chat_model = ignore_custom_event = property(lambda self: self.disabled)

    # ---------------------------------------------------------------- runs
    def _parent(self, parent_run_id: Any) -> Span | None:
        run = self._runs.get(str(parent_run_id)) if parent_run_id is not None else None
        parent = run.span if run is not None and not run.span._trace.is_finished else None
        current = _current_span.get()
        if current is not None and current._trace.is_finished:
            current = None
        if parent is not None:
            # A span current *below* the LangChain parent (say, @nbtrace.trace code inside a
            # tool) is the nearer parent; any other current span is not part of this run.
            span = current
            while span is not None:
                if span is parent:
                    return current
                span = span._parent
            return parent
        # LangChain says "root run": a current span opened for another run is a sibling
        # (RunnableSequence.batch starts every item first), not a parent.
        while current is not None and current in _run_spans:
            current = current._parent
        return current

    def _start(self, run_id: Any, parent_run_id: Any, name: str, span_type: str, inputs: Any,
               attributes: dict) -> None:
        parent = self._parent(parent_run_id)
        # The default parent when it is the current span: the collector's parent hook
        # (nbtrace.otel) may then prefer an innermost OpenTelemetry span.
        where = {} if parent is _current_span.get() else {"parent": parent}
        span = self._collector.start_span(name, span_type=span_type, attributes=attributes,
                                          _inputs=dumps(inputs), **where)
        if not isinstance(span, Span):
            return  # tracing is off (nbtrace.disable()): nothing to record
        _run_spans.add(span)
        token = None
        if self._attach:
            token = _current_span.set(span)
            if _cell_hook_shell is None:
                _install_cell_hook()
        with self._lock:
            self._runs[str(run_id)] = _Run(span, token)
            if len(self._runs) > self._prune_at:
                self._prune()

    def _prune(self) -> None:
        """Forget runs LangChain never ended whose spans are over (lock held)."""
        for key in [k for k, r in self._runs.items() if r.span.is_ended]:
            del self._runs[key]
        for key in list(self._runs)[:max(0, len(self._runs) - _MAX_RUNS)]:
            del self._runs[key]
        self._prune_at = max(256, 2 * len(self._runs))

    def _span(self, run_id: Any) -> Span | None:
        run = self._runs.get(str(run_id))
        return run.span if run is not None else None

    def _end(self, run_id: Any, outputs: Any = _NO_OUTPUTS, error: BaseException | None = None,
             inputs: Any = None) -> None:
        with self._lock:
            run = self._runs.pop(str(run_id), None)
        if run is None:
            return  # a run that started before this handler was attached
        span = run.span
        try:
            if inputs:
                span.set_inputs(convert(inputs))
            if run.dropped:
                span.set_attribute("nbtrace.dropped_new_token_events", run.dropped)
            if error is not None:
                span.record_exception(error)
                span.end()
            elif outputs is not _NO_OUTPUTS:
                span._end_with_outputs(dumps(outputs))
            else:
                span.end()
        finally:
            self._detach(run)

    @staticmethod
    def _detach(run: _Run) -> None:
        if run.token is None:
            return
        try:
            _current_span.reset(run.token)
        except (ValueError, RuntimeError):
            return  # started in another context (an executor): nothing to undo here
        current = _current_span.get()
        if current is not None and current._end_ns is not None and current in _run_spans:
            # Runs that end out of order (batch) leave an ended run current: use the
            # nearest running ancestor instead.
            while current is not None and current._end_ns is not None:
                current = current._parent
            _current_span.set(current)

    def _event(self, run_id: Any, name: str, attributes: dict) -> None:
        span = self._span(run_id)
        if span is not None:
            span.add_event(name, attributes)

    # ---------------------------------------------------------------- chains
    @_safe
    def on_chain_start(self, serialized: Any, inputs: Any, *, run_id: Any, parent_run_id: Any = None,
                       tags: list | None = None, metadata: dict | None = None,
                       name: str | None = None, **kwargs: Any) -> None:
        span_name = run_name(serialized, name, "chain")
        agent = "agent" in span_name.lower() or any("agent" in str(t).lower() for t in tags or ())
        self._start(run_id, parent_run_id, span_name, "AGENT" if agent else "CHAIN",
                    convert(inputs), run_attributes(kwargs, metadata))

    @_safe
    def on_chain_end(self, outputs: Any, *, run_id: Any, inputs: Any = None, **kwargs: Any) -> None:
        self._end(run_id, outputs=convert(outputs), inputs=inputs)

    @_safe
    def on_chain_error(self, error: BaseException, *, run_id: Any, inputs: Any = None,
                       **kwargs: Any) -> None:
        self._end(run_id, error=error, inputs=inputs)

    # ---------------------------------------------------------------- models
    def _model_start(self, serialized: Any, inputs: Any, run_id: Any, parent_run_id: Any,
                     metadata: Any, name: Any, kwargs: dict, span_type: str, default: str) -> None:
        self._start(run_id, parent_run_id, run_name(serialized, name, default), span_type,
                    inputs, model_attributes(kwargs, metadata))

    @_safe
    def on_chat_model_start(self, serialized: Any, messages: Any, *, run_id: Any,
                            parent_run_id: Any = None, tags: list | None = None,
                            metadata: dict | None = None, name: str | None = None,
                            **kwargs: Any) -> None:
        inputs = [[message_dict(m) for m in batch] for batch in messages or ()]
        self._model_start(serialized, inputs, run_id, parent_run_id, metadata, name, kwargs,
                          "CHAT_MODEL", "chat model")

    @_safe
    def on_llm_start(self, serialized: Any, prompts: Any, *, run_id: Any, parent_run_id: Any = None,
                     tags: list | None = None, metadata: dict | None = None,
                     name: str | None = None, **kwargs: Any) -> None:
        self._model_start(serialized, list(prompts or ()), run_id, parent_run_id, metadata, name,
                          kwargs, "LLM", "llm")

    @_safe
    def on_llm_new_token(self, token: str, *, run_id: Any, **kwargs: Any) -> None:
        run = self._runs.get(str(run_id))
        if run is None:
            return
        if run.tokens < self._max_token_events:
            run.tokens += 1
            run.span.add_event("new_token", {"token": token})
        else:
            run.dropped += 1

    @_safe
    def on_llm_end(self, response: Any, *, run_id: Any, **kwargs: Any) -> None:
        span = self._span(run_id)
        if span is not None:
            usage = token_usage(response)
            if usage:
                span.set_token_usage(**usage)
        self._end(run_id, outputs=llm_result_dict(response))

    @_safe
    def on_llm_error(self, error: BaseException, *, run_id: Any, **kwargs: Any) -> None:
        self._end(run_id, error=error)

    # ---------------------------------------------------------------- tools, retrievers
    @_safe
    def on_tool_start(self, serialized: Any, input_str: Any, *, run_id: Any,
                      parent_run_id: Any = None, tags: list | None = None,
                      metadata: dict | None = None, name: str | None = None,
                      inputs: Any = None, **kwargs: Any) -> None:
        self._start(run_id, parent_run_id, run_name(serialized, name, "tool"), "TOOL",
                    convert(tool_inputs(input_str, inputs)), run_attributes(kwargs, metadata))

    @_safe
    def on_tool_end(self, output: Any, *, run_id: Any, **kwargs: Any) -> None:
        self._end(run_id, outputs=convert(output))

    @_safe
    def on_tool_error(self, error: BaseException, *, run_id: Any, **kwargs: Any) -> None:
        self._end(run_id, error=error)

    @_safe
    def on_retriever_start(self, serialized: Any, query: Any, *, run_id: Any,
                           parent_run_id: Any = None, tags: list | None = None,
                           metadata: dict | None = None, name: str | None = None,
                           **kwargs: Any) -> None:
        self._start(run_id, parent_run_id, run_name(serialized, name, "retriever"), "RETRIEVER",
                    query, run_attributes(kwargs, metadata))

    @_safe
    def on_retriever_end(self, documents: Any, *, run_id: Any, **kwargs: Any) -> None:
        self._end(run_id, outputs=[document_dict(d) for d in documents or ()])

    @_safe
    def on_retriever_error(self, error: BaseException, *, run_id: Any, **kwargs: Any) -> None:
        self._end(run_id, error=error)

    # ---------------------------------------------------------------- events
    @_safe
    def on_agent_action(self, action: Any, *, run_id: Any, **kwargs: Any) -> None:
        self._event(run_id, "agent_action", {"tool": getattr(action, "tool", None),
                                             "tool_input": getattr(action, "tool_input", None),
                                             "log": getattr(action, "log", None)})

    @_safe
    def on_agent_finish(self, finish: Any, *, run_id: Any, **kwargs: Any) -> None:
        self._event(run_id, "agent_finish", {"return_values": getattr(finish, "return_values", None),
                                             "log": getattr(finish, "log", None)})

    @_safe
    def on_text(self, text: Any, *, run_id: Any, **kwargs: Any) -> None:
        self._event(run_id, "text", {"text": text})

    @_safe
    def on_retry(self, retry_state: Any, *, run_id: Any, **kwargs: Any) -> None:
        self._event(run_id, "retry", retry_attributes(retry_state))

    @_safe
    def on_custom_event(self, name: Any, data: Any, *, run_id: Any, **kwargs: Any) -> None:
        self._event(run_id, str(name), {"data": data})


# ------------------------------------------------------------------ autolog
_autolog_lock = threading.Lock()
_autolog_handler: NbtraceCallbackHandler | None = None


def autolog(disable: bool = False) -> NbtraceCallbackHandler:
    """Trace every LangChain run (from now on, in every thread and task) with one
    global :class:`NbtraceCallbackHandler`; ``disable=True`` turns it off again.

    Uses LangChain's own hook for global handlers
    (``langchain_core.tracers.context.register_configure_hook``): a run that
    already has an ``NbtraceCallbackHandler`` in its callbacks gets no second one.
    Returns the global handler. Raises ``ImportError`` without langchain-core.
    """
    global _autolog_handler
    try:
        from langchain_core.callbacks import BaseCallbackHandler
        from langchain_core.tracers.context import register_configure_hook
    except ImportError as exc:
        raise ImportError(
            "nbtrace.langchain.autolog() needs langchain-core (pip install langchain-core): it "
            "registers nbtrace with LangChain's callback system. Without LangChain there is "
            "nothing to trace; nbtrace's own API (nbtrace.trace, nbtrace.start_span) needs no "
            "extra package.") from exc
    if not issubclass(NbtraceCallbackHandler, BaseCallbackHandler):
        raise ImportError("langchain-core was installed after nbtrace.langchain was imported: "
                          "restart the kernel (or Python), then call autolog() again.")
    with _autolog_lock:
        if _autolog_handler is None:
            handler = NbtraceCallbackHandler()
            # The handler is the variable's *default*: every context sees it, however
            # threads and tasks were started, with nothing to set per context.
            var = contextvars.ContextVar("nbtrace_langchain_handler", default=handler)
            register_configure_hook(var, True, NbtraceCallbackHandler)
            _autolog_handler = handler
        _autolog_handler.disabled = bool(disable)
        return _autolog_handler
