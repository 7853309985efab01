"""IPython integration: ``%load_ext nbtrace`` and the ``%nbtrace`` / ``%%nbtrace`` magics.

* ``%load_ext nbtrace`` registers the display's ``post_run_cell`` hook at once (it
  is otherwise registered at the first trace; either way only once) and the magics.
  Loading it again, or ``%reload_ext nbtrace``, changes nothing else.
* ``%%nbtrace [name] [--type TYPE]`` runs the cell inside one root span (named
  ``name``, default ``"cell"``): spans made in the cell nest under it, the cell's
  last expression is still its result (and the span's outputs), an exception is
  recorded on the span and reaches the user unchanged.
* ``%nbtrace on|off|status`` turns tracing on or off (``nbtrace.enable()`` /
  ``disable()``) or prints the settings.

The cell is compiled like IPython compiles a cell (its input transformers and AST
transformers, ``from __future__`` flags, the source cached for tracebacks, line
numbers as in the cell) and runs in the user namespace. Top-level ``await`` cannot
run inside a magic: such a cell gets a ``UsageError`` saying what to do instead.

This module is imported only by ``load_ipython_extension``; it imports IPython.
"""
from __future__ import annotations

import ast
import io
import shlex
import tokenize
from typing import Any

from .. import _settings
from .._about import __version__
from .._record.collector import get_collector
from .._util import report_internal_error

MAGIC_NAME = "nbtrace"
DEFAULT_CELL_SPAN = "cell"
DEFAULT_CELL_TYPE = "UNKNOWN"
USAGE = "usage: %%nbtrace [name] [--type TYPE]   or   %nbtrace on|off|status"


def _usage_error(message: str) -> Exception:
    from IPython.core.error import UsageError

    return UsageError(f"{message}\n{USAGE}")


def parse_cell_args(line: str) -> tuple:
    """``%%nbtrace`` arguments → ``(span name, span type)``.

    Words that are not options form the name (quote it to keep spaces exact);
    ``--type TYPE`` / ``--type=TYPE`` / ``-t TYPE`` gives the span type (upper-cased,
    like MLflow's span types)."""
    try:
        words = shlex.split(line or "")
    except ValueError as exc:
        raise _usage_error(f"%%nbtrace: cannot read the arguments ({exc})") from None
    names: list = []
    span_type = DEFAULT_CELL_TYPE
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("--type", "-t"):
            if i + 1 >= len(words):
                raise _usage_error(f"%%nbtrace: {word} needs a span type, e.g. {word} AGENT")
            span_type = words[i + 1]
            i += 2
            continue
        if word.startswith("--type="):
            span_type = word.split("=", 1)[1]
        elif word.startswith("-") and len(word) > 1:
            raise _usage_error(f"%%nbtrace: unknown option {word!r}")
        else:
            names.append(word)
        i += 1
    if not span_type.strip():
        raise _usage_error("%%nbtrace: --type needs a non-empty span type")
    return " ".join(names) or DEFAULT_CELL_SPAN, span_type.strip().upper()


def _has_top_level_await(tree: ast.AST) -> bool:
    """Does the module use ``await`` / ``async for`` / ``async with`` outside a function?"""
    stack = list(ast.iter_child_nodes(tree))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Await, ast.AsyncFor, ast.AsyncWith)):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue  # (a class body runs at once, but cannot hold a bare await either)
        if isinstance(node, ast.comprehension) and node.is_async:
            return True
        stack.extend(ast.iter_child_nodes(node))
    return False


def ends_with_semicolon(source: str) -> bool:
    """Does the code end with ``;`` (IPython's "do not show the result")?"""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    skip = (tokenize.ENDMARKER, tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT,
            tokenize.INDENT, tokenize.DEDENT)
    for token in reversed(tokens):
        if token.type not in skip:
            return token.type == tokenize.OP and token.string == ";"
    return False


def compile_cell(shell: Any, line: str, cell: str) -> tuple:
    """Compile the body of a ``%%nbtrace`` cell → ``(exec code or None, eval code of
    the last expression or None, quiet)``; ``quiet``: the cell ends with ``;``.
    Syntax errors are raised as IPython raises them."""
    source = shell.transform_cell(cell)
    # Cached under its own name, with the magic's line first, so that traceback
    # line numbers and source lines are the ones the user sees in the cell.
    shown = f"%%{MAGIC_NAME} {line}".rstrip() + "\n" + source
    # (IPython counts the running cell before running it: its In[] number is one less)
    number = max(0, int(getattr(shell, "execution_count", 1) or 1) - 1)
    filename = shell.compile.cache(shown, number, raw_code=shown)
    tree = shell.compile.ast_parse("\n" + source, filename=filename)  # line 1: the magic
    tree = shell.transform_ast(tree)
    if _has_top_level_await(tree):
        raise _usage_error(
            "%%nbtrace: top-level await cannot run inside a cell magic. Trace the cell with "
            "`with nbtrace.start_span(\"cell\"):` around the code instead, or move the awaits "
            "into an async function and await it in a normal cell.")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    body = shell.compile(ast.Module(tree.body, []), filename, "exec") if tree.body else None
    result = shell.compile(last, filename, "eval") if last is not None else None
    return body, result, ends_with_semicolon(source)


def run_traced_cell(shell: Any, line: str, cell: str) -> Any:
    """``%%nbtrace``: run ``cell`` inside one root span; return its last expression."""
    __tracebackhide__ = True  # noqa: F841 (IPython hides this frame in tracebacks)
    name, span_type = parse_cell_args(line)
    try:
        body, last, quiet = compile_cell(shell, line, cell)
    except SyntaxError as exc:
        error = exc
    else:
        error = None
    if error is not None:  # the user's syntax error, without nbtrace's compile frames
        raise error.with_traceback(None)
    result = None
    with get_collector().start_span(name, span_type=span_type) as span:
        span.set_inputs({"cell": cell})
        if body is not None:
            exec(body, shell.user_global_ns, shell.user_ns)
        if last is not None:
            result = eval(last, shell.user_global_ns, shell.user_ns)
            if result is not None:
                span.set_outputs(result)
    return None if quiet else result


def status_text() -> str:
    """One line: is tracing on, how traces are shown, what is kept."""
    settings = _settings.current()
    collector = get_collector()
    display = "off"
    if settings.display:
        display = ("live" if settings.live else "at the end") + (
            f", at most {settings.max_traces_per_cell} per cell")
    return (f"nbtrace {__version__}: tracing {'on' if collector.enabled else 'off'}"
            f" · display {display}"
            f" · {len(collector.finished_traces())} finished traces kept (max {settings.max_traces})"
            f" · {len(collector.active_traces())} running")


def line_command(line: str) -> None:
    """``%nbtrace on|off|status`` (on/off: what ``nbtrace.enable()`` / ``disable()`` do)."""
    command = (line or "").strip().lower()
    if command == "on":
        get_collector().enabled = True
    elif command == "off":
        get_collector().enabled = False
    elif command not in ("", "status"):
        raise _usage_error(f"%nbtrace: unknown command {line.strip()!r}")
    print(status_text())


def _make_magic(shell: Any) -> Any:
    def nbtrace(line: str = "", cell: str | None = None) -> Any:
        """Trace a whole cell, or turn tracing on/off.

        Cell magic::

            %%nbtrace [name] [--type TYPE]
            ...code...

        runs the cell inside one root span named ``name`` (default ``cell``) of span
        type ``TYPE`` (e.g. AGENT; default UNKNOWN). Spans made in the cell nest
        under it; the cell's result is still shown; an exception is recorded on the
        span (ERROR) and raised as usual. Top-level ``await`` is not supported.

        Line magic: ``%nbtrace on`` / ``%nbtrace off`` (``nbtrace.enable()`` /
        ``nbtrace.disable()``), ``%nbtrace`` or ``%nbtrace status`` prints the settings.
        """
        __tracebackhide__ = True  # noqa: F841
        if cell is None:
            return line_command(line)
        return run_traced_cell(shell, line, cell)

    nbtrace._nbtrace_magic = True  # marks ours, for unload
    return nbtrace


def load_ipython_extension(shell: Any, listener: Any) -> None:
    """Register the cell hook and the magics with ``shell`` (idempotent)."""
    try:
        get_collector().add_listener(listener)  # (already there: no-op)
        listener.install(shell)
    except Exception as exc:
        report_internal_error("registering the cell hooks", exc)
    shell.register_magic_function(_make_magic(shell), magic_kind="line_cell",
                                  magic_name=MAGIC_NAME)


def unload_ipython_extension(shell: Any) -> None:
    """Remove the magics (the display and its cell hook stay: they come with
    ``import nbtrace``)."""
    try:
        magics = shell.magics_manager.magics
        for kind in ("line", "cell"):
            if getattr(magics[kind].get(MAGIC_NAME), "_nbtrace_magic", False):
                del magics[kind][MAGIC_NAME]
        user_magics = shell.magics_manager.user_magics
        if getattr(getattr(user_magics, MAGIC_NAME, None), "_nbtrace_magic", False):
            delattr(user_magics, MAGIC_NAME)
    except Exception as exc:
        report_internal_error("removing the nbtrace magics", exc)
