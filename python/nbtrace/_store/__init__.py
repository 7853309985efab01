"""The local trace store (``configure(store=...)``): a SQLite file or a folder of JSONL
files that every finished trace is written to from one background thread, and
``search_traces`` / ``get_trace`` over it (or over the traces in memory)."""
