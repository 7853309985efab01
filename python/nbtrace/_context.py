"""Which span is current: a ``contextvars.ContextVar``.

asyncio tasks copy the context when they are created, so ``asyncio.gather``
children nest under the span that was current when they were spawned. Threads
start with an empty context: run work with ``contextvars.copy_context().run(fn)``
(``asyncio.to_thread`` does this for you) to keep the parent.
"""
from __future__ import annotations

import contextlib
import contextvars
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:  # pragma: no cover
    from ._span import Span

_current_span: contextvars.ContextVar = contextvars.ContextVar("nbtrace_current_span", default=None)


def get_current_span() -> Span | None:
    """The innermost active span in this context, or ``None``."""
    return _current_span.get()


def attach(span: Span | None) -> contextvars.Token:
    return _current_span.set(span)


def detach(token: contextvars.Token, fallback: Span | None = None) -> None:
    """Undo :func:`attach`. If the token belongs to another context (a span entered
    in one task/generator step and exited in another), set ``fallback`` instead."""
    try:
        _current_span.reset(token)
    except (ValueError, RuntimeError):
        _current_span.set(fallback)


@contextlib.contextmanager
def use_span(span: Span | None) -> Iterator[None]:
    """Make ``span`` current for the duration of the block."""
    token = attach(span)
    try:
        yield
    finally:
        detach(token, fallback=getattr(span, "parent", None))
