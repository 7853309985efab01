"""The kernel end of display: is there an IPython kernel, which cell request is
running, and :func:`publish` / :func:`publish_for`, which send a bundle
(``display`` / ``update_display`` by a stable ``display_id``) on behalf of a
given kernel request, so that updates sent from a timer thread land in the cell
that started the trace. IPython is imported lazily: ``import nbtrace`` works in
a plain script.
"""
from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from .._util import report_internal_error


def get_shell() -> Any:
    """The running IPython shell, or ``None`` (IPython is never imported here)."""
    ipython_module = sys.modules.get("IPython")  # not imported → surely no shell
    if ipython_module is None:
        return None
    try:
        return ipython_module.get_ipython()
    except Exception:
        return None


def in_kernel() -> bool:
    """True when running inside an IPython kernel (a notebook / Jupyter console)."""
    shell = get_shell()
    return shell is not None and getattr(shell, "kernel", None) is not None


def kernel_parent() -> dict | None:
    """The header of the kernel request (the cell's ``execute_request``) that the
    display publisher sends on behalf of, in this thread; ``None`` outside a kernel."""
    try:
        header = getattr(getattr(get_shell(), "display_pub", None), "parent_header", None)
        return dict(header) if isinstance(header, Mapping) and header else None
    except Exception:
        return None


def publish_for(parent: dict | None, bundle: dict, display_id: str | None = None,
                update: bool = False) -> Any:
    """:func:`publish` as if for the kernel request ``parent``.

    ipykernel 7 keeps the display publisher's parent header per thread/context
    (``set_thread_parent``); a timer thread would otherwise use the kernel-wide
    fallback, i.e. whatever request the kernel handled last (a comm message during
    an ``await``, the next cell). Without that API (ipykernel 6: one global parent,
    which is the running cell's) or outside a kernel this is plain :func:`publish`.
    """
    pub = getattr(get_shell(), "display_pub", None) if parent else None
    set_thread_parent = getattr(pub, "set_thread_parent", None)
    reset_thread_parent = getattr(pub, "reset_thread_parent", None)
    token = None
    if set_thread_parent is not None and reset_thread_parent is not None:
        try:
            token = set_thread_parent(parent)
        except Exception as exc:
            report_internal_error("routing a display update to its cell", exc)
    try:
        return publish(bundle, display_id=display_id, update=update)
    finally:
        if token is not None:
            try:
                reset_thread_parent(token)
            except Exception as exc:
                report_internal_error("routing a display update to its cell", exc)


def publish(bundle: dict, display_id: str | None = None, update: bool = False) -> Any:
    """Display (or update, by ``display_id``) a raw MIME bundle via IPython."""
    from IPython.display import display, update_display

    if update and display_id:
        return update_display(bundle, raw=True, display_id=display_id)
    if display_id:
        return display(bundle, raw=True, display_id=display_id)
    return display(bundle, raw=True)
