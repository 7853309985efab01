"""A trace as one self-contained HTML file, to share outside Jupyter.

:func:`to_html` writes a page that shows the trace with the same viewer as the
notebook (expand spans, select them, see their details), offline: the viewer
bundle and the data are inlined and a Content-Security-Policy forbids the page
any request. Open it in any browser, attach it to an issue, mail it.

The page template and the bundle are built with the lab extension
(``scripts/build-standalone.mjs`` writes ``static/nbtrace-standalone.js`` and
``static/nbtrace-standalone.template.html``); the template is
``HTML_TEMPLATE`` of ``src/export-html.ts``, and it is filled here with the
same rules as ``fillTemplate`` there (JupyterLab's "Export Trace as HTML"), so
both write the same page.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Union

from ._documents.summary import summarize
from ._notebook.bundle import MIME_TYPE
from ._notebook.show import show_bundle

STATIC = Path(__file__).with_name("static")
BUNDLE_FILE = "nbtrace-standalone.js"
TEMPLATE_FILE = "nbtrace-standalone.template.html"

PLACEHOLDERS = {"title": "{{nbtrace:title}}", "data": "{{nbtrace:data}}", "bundle": "{{nbtrace:bundle}}"}
_PLACEHOLDER = re.compile(r"\{\{nbtrace:(title|data|bundle)\}\}")
# In JSON text these only occur inside strings, where a \u escape means the same.
# Surrogates: a Python str holds only lone ones; UTF-8 cannot encode them.
_SCRIPT_UNSAFE = re.compile("[<>&\u2028\u2029\ud800-\udfff]")
_HTML_UNSAFE = re.compile("[&<>\"']")
_BUNDLE_UNSAFE = re.compile(r"</script|<script|<!--", re.IGNORECASE)

_cache: dict = {}


def escape_html(text: str) -> str:
    """Text for HTML element content or a quoted attribute (``&#60;`` style, as in TypeScript)."""
    return _HTML_UNSAFE.sub(lambda m: f"&#{ord(m.group())};", text)


def escape_json_for_script(json_text: str) -> str:
    """JSON text safe inside ``<script type="application/json">``: ``<``, ``>``,
    ``&``, U+2028/2029 and surrogates as ``\\uXXXX`` escapes, so no string in the
    trace (e.g. ``</script>``) can end the element; parsing gives the same value."""
    return _SCRIPT_UNSAFE.sub(lambda m: "\\u%04x" % ord(m.group()), json_text)


def fill_template(template: str, bundle: str, json_text: str, title: str) -> str:
    """Fill the page template in one pass (replaced text is never scanned again)."""
    if _BUNDLE_UNSAFE.search(bundle):
        raise ValueError('nbtrace: the viewer bundle contains "</script", "<script" or "<!--" '
                         "and cannot be inlined")
    for placeholder in PLACEHOLDERS.values():
        if template.count(placeholder) != 1:
            raise ValueError(f"nbtrace: the page template must hold {placeholder} exactly once")
    values = {"title": escape_html(title), "data": escape_json_for_script(json_text), "bundle": bundle}
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def _static_text(name: str) -> str:
    """A file of the built viewer, read once per process (keyed by its mtime)."""
    path = STATIC / name
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise FileNotFoundError(
            f"nbtrace.to_html: {path} is missing: this nbtrace was installed without its "
            "standalone viewer (from a checkout, run `jlpm build:standalone`)") from None
    cached = _cache.get(name)
    if cached is None or cached[0] != mtime:
        cached = (mtime, path.read_text(encoding="utf-8"))
        _cache[name] = cached
    return cached[1]


def render_html(trace: Any, title: str | None = None) -> str:
    """The HTML text of the page for ``trace`` (see :func:`to_html`)."""
    payload = show_bundle(trace)[MIME_TYPE]
    json_text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    if title is None:
        title = summarize(payload).strip("<>")
    return fill_template(_static_text(TEMPLATE_FILE), _static_text(BUNDLE_FILE), json_text, str(title))


def to_html(trace: Any, path: Union[str, "os.PathLike[str]", None] = None, *,
            title: str | None = None) -> str:
    """Save ``trace`` as one self-contained HTML file that shows it with the nbtrace viewer.

    ``trace`` is anything :func:`nbtrace.show` accepts (``nbtrace.get_last_trace()``,
    ``nbtrace.last_traces()``, an MLflow trace, OTLP JSON, JSON Lines text, ...).
    The file loads nothing from anywhere: the viewer and the data are inline.
    ``title`` is the page title (default: a summary such as
    ``nbtrace trace 'agent' · 7 spans · 1.23 s``).

    With ``path`` the page is written there (UTF-8) and the path is returned;
    without it the HTML text is returned. Invalid input raises ``TypeError`` /
    ``ValueError`` as :func:`nbtrace.show` does.
    """
    page = render_html(trace, title=title)
    if path is None:
        return page
    target = os.fspath(path)
    with open(target, "w", encoding="utf-8", newline="") as f:
        f.write(page)
    return target
