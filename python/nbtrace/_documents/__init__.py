"""The documents: a recorded trace turned into what leaves the process.

The MLflow-v3-shaped trace dict (what the notebook shows and stores), its one-line
summary, the static HTML summary, and OTLP (JSON and protobuf, for export). Reads
the record; knows nothing of the notebook.
"""
