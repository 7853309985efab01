"""The small static ``text/html`` tables of evaluation results and datasets, for
viewers without nbtrace (GitHub, nbviewer, VS Code): escaped text only (no
script, link or image), at most ``MAX_ROWS`` rows and about ``MAX_BYTES``."""
from __future__ import annotations

import html
import json
from typing import Any

MAX_ROWS = 50
MAX_BYTES = 20_000


def cell(value: Any, limit: int = 120) -> str:
    """One value as escaped one-line text (JSON for non-strings), cut at ``limit``."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = text if len(text) <= limit else text[:limit] + "…"
    return html.escape(text)


def table(css_class: str, caption: str, headers: list, rows: list, total: int, what: str = "rows") -> str:
    """``rows``: lists of already-escaped cells; ``total``: how many there are in all."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body, size = [], 0
    for cells in rows[:MAX_ROWS]:
        line = "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
        size += len(line)
        if size > MAX_BYTES:
            break
        body.append(line)
    more = total - len(body)
    tail = f"<p>{more} more {what}: open the notebook with nbtrace to see them all.</p>" if more > 0 else ""
    return (f'<div class="{css_class}"><table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>{tail}</div>")
