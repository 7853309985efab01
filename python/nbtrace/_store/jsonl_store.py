"""The JSONL folder store: one append-only file per writing process
(``traces-<host>-<pid>-<start ms>-<random>.jsonl``), each line one whole trace
document (MLflow v3 JSON), so processes never share a file and need no lock.

A batch is one ``write`` of whole lines to a file opened with ``O_APPEND``; a
process killed mid-write leaves at most a partial last line, which readers skip
(and the next write of that process starts on a new line). A trace written again
(it got an assessment) is appended again: readers keep its last line (files in
modification order, lines in file order). Searching reads every file and filters
in Python (``match.matches`` over ``facts_of``): fine for thousands of traces;
use the SQLite store for more.
"""
from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from typing import Any

from .._documents.facts import facts_of
from .._query.match import matches
from .order import sort_facts


def _safe_name(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)[:60] or "host"


class JsonlStore:
    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.location = f"jsonl:///{folder}"
        self._fd: int | None = None
        self._torn = False  # a write failed part-way: start the next one on a new line
        self._lock = threading.Lock()

    def _file(self) -> int:
        if self._fd is None:
            os.makedirs(self.folder, exist_ok=True)
            name = (f"traces-{_safe_name(socket.gethostname())}-{os.getpid()}-{int(time.time() * 1000)}-"
                    f"{uuid.uuid4().hex[:8]}.jsonl")
            self._fd = os.open(os.path.join(self.folder, name), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        return self._fd

    def write(self, items: list) -> None:
        """Append ``(doc_json, facts)`` pairs, one line each; raises ``OSError`` on failure."""
        data = "".join(doc_json + "\n" for doc_json, _ in items).encode("utf-8", "backslashreplace")
        with self._lock:
            fd = self._file()
            if self._torn:
                data = b"\n" + data
            self._torn = True
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            self._torn = False

    def close(self) -> None:
        with self._lock:
            fd, self._fd = self._fd, None
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass

    # ------------------------------------------------------------ reading
    def docs(self) -> list:
        """Every stored trace document, the last line of each trace id."""
        try:
            names = [n for n in os.listdir(self.folder) if n.endswith(".jsonl")]
        except FileNotFoundError:
            return []
        paths = [os.path.join(self.folder, n) for n in names]
        stamped = []
        for path in paths:
            try:
                stamped.append((os.stat(path).st_mtime_ns, path))
            except OSError:
                continue
        latest: dict = {}
        for _, path in sorted(stamped):
            try:
                with open(path, "rb") as f:
                    lines = f.read().split(b"\n")
            except OSError:
                continue
            for line in lines:
                doc = _parse(line)
                if doc is not None:
                    info = doc.get("info") or {}
                    trace_id = info.get("trace_id") or info.get("request_id")
                    latest.pop(trace_id, None)  # (re-inserted: the last line wins, in write order)
                    latest[trace_id] = doc
        return list(latest.values())

    def search(self, query: Any, keys: list, limit: int | None) -> list:
        found = [(facts, doc) for doc in self.docs() for facts in (facts_of(doc),) if matches(query, facts)]
        ordered = sort_facts(found, keys, facts_of=lambda item: item[0])
        return [doc for _, doc in (ordered if limit is None else ordered[:limit])]

    def get(self, trace_id: str) -> dict | None:
        for doc in reversed(self.docs()):
            info = doc.get("info") or {}
            if trace_id in (info.get("trace_id"), info.get("request_id")):
                return doc
        return None

    def count(self) -> int:
        return len(self.docs())


def _parse(line: bytes) -> dict | None:
    line = line.strip()
    if not line:
        return None
    try:
        doc = json.loads(line)
    except ValueError:  # a line cut short by a crash
        return None
    return doc if isinstance(doc, dict) and isinstance(doc.get("info"), dict) else None
