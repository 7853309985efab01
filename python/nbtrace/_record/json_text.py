"""JSON text, fast: the encoders the serializer reuses.

``json.dumps(x, ensure_ascii=False, allow_nan=False)`` builds a new ``JSONEncoder`` (and
a new C encoder) on every call; these are built once and give the same text.
:data:`encode` takes any JSON-safe value; :data:`encode_plain` takes only "plain"
values (see ``serialize._plain_nodes``: acyclic, exact JSON types).
"""
from __future__ import annotations

import json
from json.encoder import encode_basestring as _encode_str
from typing import Any

encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


def _make_plain_encoder() -> Any:
    """``json.dumps(value, ensure_ascii=False, allow_nan=False)`` for plain values
    (see serialize._plain_nodes: acyclic by construction, so no circular-reference markers):
    the C encoder is built once instead of per call. Falls back to the encoder above
    if this Python's C encoder is missing or behaves differently."""
    fallback = json.JSONEncoder(ensure_ascii=False, allow_nan=False, check_circular=False).encode
    try:
        from json.encoder import c_make_encoder

        def _default(obj: Any) -> Any:
            raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")

        iterencode = c_make_encoder(None, _default, _encode_str, None, ": ", ", ",
                                    False, False, False)
        join = "".join

        def encode_plain(value: Any) -> str:
            return join(iterencode(value, 0))

        sample = {"a": [1, 2.5, -0.0, True, None, "é\n\"x\""], "b": {"c": (1e300, "")}}
        if encode_plain(sample) != json.dumps(sample, ensure_ascii=False, allow_nan=False):
            return fallback
        return encode_plain
    except Exception:  # pragma: no cover - no C accelerator (e.g. PyPy)
        return fallback


encode_plain = _make_plain_encoder()
