"""What LLM calls cost when the trace does not say: the dated list-price table
shared with the viewer, the user's overrides, and estimates from token counts.

The table is one JSON file, ``src/model/prices.json`` in the repository, read by the
viewer (``src/model/prices.ts``) and by this module; the wheel ships it as
``nbtrace/prices.json`` (``pyproject.toml``: force-include). Format::

    {"date": "2026-12-01", "currency": "USD", "unit": "per 1M tokens",
     "models": {"gpt-4o": {"input": 2.5, "output": 10, "cached_input": 1.25}, ...},
     "aliases": {"claude-sonnet-4.5": "claude-sonnet-4-5", ...}}

``nbtrace.configure(prices=...)`` takes a dict in that format (or just its ``models``
map, or the path of such a JSON file; ``unit`` may also be ``"per 1K tokens"`` or
``"per token"``): an entry for a known model replaces the prices it names, a new
model needs ``input`` and ``output``. The overrides, normalized to USD per 1M tokens,
go into every trace's metadata as ``nbtrace.prices`` so the viewer estimates with them.

Model names match as in the viewer (shared cases: ``tests/model/price-cases.json``):
lower case; an exact model or alias; else without the provider path (``openai/``,
``models/``) and a Bedrock region/vendor (``us.anthropic.``); else the longest model or
alias the name starts with, followed by ``-``, ``@`` or ``:``
(``gpt-4o-mini-2024-07-18`` → ``gpt-4o-mini``). Anything else: no estimate.
"""
from __future__ import annotations

import copy
import functools
import json
import math
import os
import re
import threading
from pathlib import Path
from typing import Any, Mapping

from .. import _settings

METADATA_KEY = "nbtrace.prices"
FIELDS = ("input", "output", "cached_input", "cache_write")
_UNITS = {"per 1m tokens": 1.0, "per 1k tokens": 1_000.0, "per token": 1_000_000.0}
_TOP_KEYS = {"date", "currency", "unit", "note", "models", "aliases"}
_HERE = Path(__file__).resolve().parent
#: Where the one table is: beside the package in a wheel, else in the checkout's src/model/.
CANDIDATES = (_HERE.parent / "prices.json", _HERE.parents[2] / "src" / "model" / "prices.json")
_PROVIDER_PATH = re.compile(r"^.*/")
_BEDROCK = re.compile(r"^(?:(?:us|eu|apac|au|ca|jp|us-gov|global)\.)?"
                      r"(?:anthropic|openai|google|amazon|meta|mistral|cohere)\.")
_BOUNDARY = frozenset("-@:")


def shipped_path() -> Path | None:
    """The table file this package reads (``None`` if neither place has it)."""
    return next((p for p in CANDIDATES if p.is_file()), None)


@functools.lru_cache(maxsize=None)
def _shipped() -> dict:
    path = shipped_path()
    if path is None:
        return {"date": "", "currency": "USD", "unit": "per 1M tokens", "models": {}, "aliases": {}}
    raw = json.loads(path.read_text("utf-8"))
    models = {k.strip().lower(): {f: float(v[f]) for f in FIELDS if f in v} for k, v in raw["models"].items()}
    aliases = {k.strip().lower(): v.strip().lower() for k, v in raw.get("aliases", {}).items()}
    return {"date": raw["date"], "currency": "USD", "unit": "per 1M tokens", "models": models, "aliases": aliases}


def _bad(why: str) -> ValueError:
    return ValueError(f"nbtrace.configure: prices: {why}")


def _price(name: str, value: Any, scale: float) -> dict:
    if not isinstance(value, Mapping):
        raise _bad(f"the entry for {name!r} must be a dict of prices ({', '.join(FIELDS)}), "
                   f"got {type(value).__name__}")
    out = {}
    for field, v in value.items():
        if field not in FIELDS:
            raise _bad(f"unknown price {field!r} for {name!r} (expected {', '.join(FIELDS)})")
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
            raise _bad(f"{name!r} {field} must be a number >= 0, got {v!r}")
        out[field] = float(v) * scale
    return out


def normalize_prices(value: Any) -> dict | None:
    """The user's ``prices=`` (dict, or path of a JSON file) as overrides
    ``{"models": {...}, "aliases": {...}}`` in USD per 1M tokens; ``None`` for an
    empty one (no overrides). Raises ``ValueError`` saying what is wrong."""
    if isinstance(value, (str, os.PathLike)):
        path = Path(value).expanduser()
        try:
            value = json.loads(path.read_text("utf-8"))
        except OSError as exc:
            raise _bad(f"cannot read {str(path)!r} ({exc.strerror or exc})") from None
        except ValueError as exc:
            raise _bad(f"{str(path)!r} is not JSON ({exc})") from None
    if not isinstance(value, Mapping):
        raise _bad(f"expected a dict like {{'models': {{'gpt-4o': {{'input': 2.5, 'output': 10}}}}}} "
                   f"or the path of such a JSON file, got {type(value).__name__}")
    framed = "models" in value or "aliases" in value
    if framed:
        unknown = set(value) - _TOP_KEYS
        if unknown:
            raise _bad(f"unknown key(s) {sorted(unknown)} (expected {sorted(_TOP_KEYS)})")
        currency = value.get("currency", "USD")
        if not isinstance(currency, str) or currency.upper() != "USD":
            raise _bad(f"only USD prices are supported, got currency {currency!r}")
    unit = value.get("unit", "per 1M tokens") if framed else "per 1M tokens"
    scale = _UNITS.get(unit.strip().lower()) if isinstance(unit, str) else None
    if scale is None:
        raise _bad(f"unit must be one of 'per 1M tokens', 'per 1K tokens', 'per token', got {unit!r}")
    models_in = value.get("models", {}) if framed else value
    aliases_in = value.get("aliases", {}) if framed else {}
    if not isinstance(models_in, Mapping) or not isinstance(aliases_in, Mapping):
        raise _bad("models and aliases must be dicts")
    base = _shipped()
    models: dict = {}
    for name, entry in models_in.items():
        key = str(name).strip().lower()
        if not key:
            raise _bad("a model name is empty")
        price = _price(str(name), entry, scale)
        if key not in base["models"] and not {"input", "output"} <= set(price):
            raise _bad(f"{name!r} is not in the table: give both its input and output price")
        models[key] = price
    aliases: dict = {}
    for name, target in aliases_in.items():
        if not isinstance(target, str) or not str(name).strip():
            raise _bad(f"alias {name!r} must name a model (a string)")
        target = target.strip().lower()
        if target not in models and target not in base["models"]:
            raise _bad(f"alias {name!r} names {target!r}, which is not a model in the table")
        aliases[str(name).strip().lower()] = target
    if not models and not aliases:
        return None
    return {"models": models, "aliases": aliases}


def merge(overrides: Mapping | None, base: Mapping | None = None) -> dict:
    """``base`` (default: the shipped table) with normalized ``overrides`` over it."""
    table = copy.deepcopy(dict(base or _shipped()))
    for key, price in ((overrides or {}).get("models") or {}).items():
        table["models"][key] = {**table["models"].get(key, {}), **price}
    table["aliases"].update((overrides or {}).get("aliases") or {})
    return table


_memo_lock = threading.Lock()
_memo: dict = {}  # "table" / "json" → (the overrides object it was made from, value)


def _memoized(kind: str, make) -> Any:
    overrides = _settings.current().prices
    with _memo_lock:
        hit = _memo.get(kind)
        if hit is not None and hit[0] is overrides:
            return hit[1]
    value = make(overrides)
    with _memo_lock:
        _memo[kind] = (overrides, value)
    return value


def current_table() -> dict:
    """The table in force, for ``estimate_cost(table=)`` (read-only: shared between calls)."""
    return _memoized("table", lambda o: {**merge(o), "_match": {}})


_table = current_table


def price_table() -> dict:
    """The shipped table merged with the user's ``configure(prices=...)``:
    ``{"date", "currency", "unit", "models", "aliases"}`` (a copy)."""
    return {k: copy.deepcopy(v) for k, v in _table().items() if k != "_match"}


def metadata_value() -> str | None:
    """The overrides as the JSON text for the trace metadata ``nbtrace.prices``
    (``None`` when the user configured none)."""
    return _memoized("json", lambda o: json.dumps(o, sort_keys=True, separators=(",", ":")) if o else None)


def _exact(table: Mapping, key: str) -> str | None:
    if key in table["models"]:
        return key
    target = table["aliases"].get(key)
    return target if target in table["models"] else None


def match_model(model: Any, table: Mapping | None = None) -> str | None:
    """The table key that prices ``model`` (matching rules above), or ``None``."""
    if not isinstance(model, str):
        return None
    table = table if table is not None else _table()
    name = model.strip().lower()
    if not name:
        return None
    hit = _exact(table, name)
    if hit is not None:
        return hit
    bare = _BEDROCK.sub("", _PROVIDER_PATH.sub("", name, count=1), count=1)
    if not bare:
        return None
    hit = _exact(table, bare)
    if hit is not None:
        return hit
    best = None
    for key in (*table["models"], *table["aliases"]):
        if (len(bare) > len(key) and bare.startswith(key) and bare[len(key)] in _BOUNDARY
                and (best is None or len(key) > len(best)) and _exact(table, key) is not None):
            best = key
    return _exact(table, best) if best is not None else None


def _count(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        return None
    return float(v)


def estimate_cost(model: str, input_tokens, output_tokens, cached_input_tokens=None, *,
                  cache_write_input_tokens=None, table: Mapping | None = None) -> float | None:
    """Total USD for a call of ``model`` at list prices (the table in force, or
    ``table``), or ``None`` for an unknown model or no counts. ``input_tokens``
    includes ``cached_input_tokens`` (priced at the cached-input price) and
    ``cache_write_input_tokens`` (the cache-write price); the viewer estimates alike."""
    inp, out = _count(input_tokens), _count(output_tokens)
    if inp is None and out is None:
        return None
    use = table if table is not None else _table()
    memo = use.get("_match") if isinstance(use, dict) else None
    if memo is not None and isinstance(model, str) and model in memo:
        key = memo[model]
    else:
        key = match_model(model, use)
        if memo is not None and isinstance(model, str) and len(memo) < 1000:
            memo[model] = key
    if key is None:
        return None
    price = use["models"][key]
    inp = max(inp or 0.0, 0.0)
    cached = min(max(_count(cached_input_tokens) or 0.0, 0.0), inp)
    write = min(max(_count(cache_write_input_tokens) or 0.0, 0.0), inp - cached)
    p_in = price["input"]
    in_cost = ((inp - cached - write) * p_in + cached * price.get("cached_input", p_in)
               + write * price.get("cache_write", p_in)) / 1e6
    out_cost = (max(out or 0.0, 0.0) * price["output"]) / 1e6
    return in_cost + out_cost
