"""Which span is current: a ``contextvars.ContextVar``.

asyncio tasks copy the context when they are created, so ``asyncio.gather``
children nest under the span that was current when they were spawned (generator
spans are current only while the generator body runs). Threads start with an
empty context — a plain ``threading.Thread(target=fn)`` starts a *new trace* —
so run work with :func:`wrap_context` (``pool.submit(nbtrace.wrap_context(fn), x)``,
``Thread(target=nbtrace.wrap_context(fn))``) or ``contextvars.copy_context().run``
(one fresh copy per submitted call; ``asyncio.to_thread`` does this for you) to
keep the parent.

The current session (``nbtrace.session("chat-42")``: the ``mlflow.trace.session``
metadata of the traces started inside) is a context variable too, with the same
rules: tasks inherit it, plain threads do not (they get ``configure(session=)``).
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
from typing import Any, Callable, Iterator

# The current span (a Span) or None. Typed loosely on purpose: this module sits
# below the span module and imports nothing of it.
_current_span: contextvars.ContextVar = contextvars.ContextVar("nbtrace_current_span", default=None)

#: Trace metadata key of a trace's session (MLflow's name).
SESSION_KEY = "mlflow.trace.session"
#: The root span's attribute that says it too (OpenInference's name, which Phoenix groups by).
SESSION_ATTRIBUTE = "session.id"
# The session of traces started in this context: None (not set here: the
# collector's default_session applies), "" (explicitly none) or its name.
_session: contextvars.ContextVar = contextvars.ContextVar("nbtrace_session", default=None)


def get_current_span() -> Any:
    """The innermost active span in this context, or ``None``."""
    return _current_span.get()


#: Make a span current (``attach(span) -> token``): the ContextVar's own ``set``,
#: bound once, so the hot path (``@trace``) pays no extra call.
attach = _current_span.set


def detach(token: contextvars.Token, fallback: Any = None) -> None:
    """Undo :func:`attach` — the one way nbtrace does it. If the token belongs to
    another context (a span entered in one task/generator step and exited in
    another), set ``fallback`` (the span's parent) instead."""
    try:
        _current_span.reset(token)
    except (ValueError, RuntimeError):
        _current_span.set(fallback)


@contextlib.contextmanager
def use_span(span: Any) -> Iterator[None]:
    """Make ``span`` current for the duration of the block."""
    token = attach(span)
    try:
        yield
    finally:
        detach(token, fallback=getattr(span, "parent", None))


@contextlib.contextmanager
def use_session(name: str | None) -> Iterator[str | None]:
    """Traces started (as new roots) in this block, and in the tasks and
    ``wrap_context`` calls made from it, belong to session ``name`` (``None``: to no
    session, whatever ``configure(session=)`` says). Blocks nest; the inner one wins."""
    token = _session.set(name or "")
    try:
        yield name or None
    finally:
        try:
            _session.reset(token)
        except (ValueError, RuntimeError):  # exited in another context (a generator step)
            _session.set(token.old_value if token.old_value is not contextvars.Token.MISSING else None)


def wrap_context(fn: Callable) -> Callable:
    """``fn`` bound to the current context (so to the current span): calls of the
    result, from any thread or executor, nest their spans under the span that was
    current when ``wrap_context`` was called. Each call runs in its own copy of that
    context, so concurrent calls from several threads are fine."""
    context = contextvars.copy_context()

    @functools.wraps(fn)
    def in_context(*args: Any, **kwargs: Any) -> Any:
        return context.copy().run(fn, *args, **kwargs)

    return in_context
