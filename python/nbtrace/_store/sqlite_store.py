"""The SQLite store: one file (stdlib ``sqlite3``) that several processes may write
at once and read while they write.

WAL journal (readers never block the writer, a crash mid-write leaves the last
committed transaction), ``busy_timeout`` (a writer waits for another's
transaction instead of failing at once; still locked after a few waits: the
batch fails and the caller reports it), ``synchronous=NORMAL`` (a committed
trace survives the process being killed; a power cut may lose the last ones).
Each batch of traces is one ``BEGIN IMMEDIATE`` transaction. Writes happen on the
writer thread's one connection; every search opens its own. Tables: ``schema.py``;
queries: ``sql_query.py``.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from typing import Any, Iterator

from .order import TIE_BREAK
from .schema import DDL, INSERTS, SCHEMA_VERSION, SIDE_TABLES, rows_of
from .sql_query import plan, register_functions, scalar_sql

BUSY_TIMEOUT_S = 5.0
WRITE_ATTEMPTS = 3


class StoreError(Exception):
    """The store cannot be used (a schema this nbtrace does not know)."""


def _busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


class SqliteStore:
    def __init__(self, path: str, busy_timeout: float = BUSY_TIMEOUT_S) -> None:
        self.path = path
        self.location = f"sqlite:///{path}"
        self.busy_timeout = busy_timeout
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------ connections
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            register_functions(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _writer(self) -> sqlite3.Connection:
        if self._conn is None:
            directory = os.path.dirname(self.path)
            if directory:
                os.makedirs(directory, exist_ok=True)
            conn = self._connect()
            try:
                conn.execute("PRAGMA journal_mode = WAL").fetchone()
                conn.execute("PRAGMA synchronous = NORMAL")
                self._ensure_schema(conn)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _ensure_schema(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} holds store schema {version}, newer than this nbtrace's "
                             f"({SCHEMA_VERSION}): upgrade nbtrace to write to it")
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] == 0:  # (another process may have made it)
                for statement in DDL:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise

    def close(self) -> None:
        with self._lock:
            self._drop_connection()

    def _drop_connection(self) -> None:
        """Close the connection (hold self._lock); the next use opens a fresh one."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except sqlite3.Error:
                pass

    # ------------------------------------------------------------ writing
    def write(self, items: list) -> None:
        """Upsert ``(doc_json, facts)`` pairs in one transaction; raises on failure
        (the connection is then closed, so the next batch starts afresh)."""
        with self._lock:
            try:
                for attempt in range(WRITE_ATTEMPTS):
                    try:
                        self._write(self._writer(), items)
                        return
                    except sqlite3.OperationalError as exc:
                        if not _busy(exc) or attempt == WRITE_ATTEMPTS - 1:
                            raise
            except BaseException:
                self._drop_connection()
                raise

    @staticmethod
    def _write(conn: sqlite3.Connection, items: list) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for doc_json, facts in items:
                rows = rows_of(doc_json, facts)
                trace_id = rows["traces"][0][0]
                for table in SIDE_TABLES:
                    conn.execute(f"DELETE FROM {table} WHERE trace_id = ?", (trace_id,))
                for table, table_rows in rows.items():
                    if table_rows:
                        conn.executemany(INSERTS[table], table_rows)
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise

    # ------------------------------------------------------------ reading
    def _reader(self) -> sqlite3.Connection | None:
        """A fresh connection for one search (None: there is no store file yet)."""
        if not os.path.exists(self.path):
            return None
        conn = self._connect()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            conn.close()
            return None
        if version > SCHEMA_VERSION:
            conn.close()
            raise StoreError(f"{self.path} holds store schema {version}, newer than this nbtrace's "
                             f"({SCHEMA_VERSION}): upgrade nbtrace to read it")
        return conn

    def search(self, query: Any, keys: list, limit: int | None) -> list:
        """The docs of the traces that match the parsed ``query``, ordered by ``keys``."""
        return [json.loads(doc) for doc in self._docs(query, keys, limit)]

    def _docs(self, query: Any, keys: list, limit: int | None) -> Iterator[str]:
        conn = self._reader()
        if conn is None:
            return
        try:
            p = plan(query)
            order, order_params = [], []
            for key in keys:
                (sql, params), _ = scalar_sql(key.field)
                order.append(f"({sql} IS NULL), {sql} {'DESC' if key.descending else 'ASC'}")
                order_params += [*params, *params]
            leaves = "".join(f", {sql}" for sql, _ in p.leaves)
            leaf_params = [v for _, params in p.leaves for v in params]
            sql = (f"SELECT t.trace_id, t.doc{leaves} FROM traces t WHERE {p.where} "
                   f"ORDER BY {', '.join([*order, TIE_BREAK])}")
            params = [*leaf_params, *p.params, *order_params]
            if p.exact and limit is not None:
                sql += " LIMIT ?"
                params.append(limit)
            found = 0
            for row in conn.execute(sql, params):
                if limit is not None and found >= limit:
                    break
                if not p.exact and not p.finish(row[2:], lambda: _text(conn, row[0])):
                    continue
                found += 1
                yield row[1]
        finally:
            conn.close()

    def get(self, trace_id: str) -> dict | None:
        conn = self._reader()
        if conn is None:
            return None
        try:
            row = conn.execute("SELECT doc FROM traces WHERE trace_id = ?", (trace_id,)).fetchone()
        finally:
            conn.close()
        return json.loads(row[0]) if row else None

    def count(self) -> int:
        conn = self._reader()
        if conn is None:
            return 0
        try:
            return conn.execute("SELECT count(*) FROM traces").fetchone()[0]
        finally:
            conn.close()


def _text(conn: sqlite3.Connection, trace_id: str) -> str:
    """``trace.text`` of a stored trace, as ``facts_of`` builds it: each span's name and content."""
    rows = conn.execute("SELECT name, content FROM spans WHERE trace_id = ? ORDER BY idx", (trace_id,)).fetchall()
    return "\n".join(f"{name}\n{content}" for name, content in rows)


def _rollback(conn: sqlite3.Connection) -> None:
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass
