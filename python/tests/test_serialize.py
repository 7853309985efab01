"""to_jsonable: any Python value → bounded JSON-safe data, never raising."""
import collections
import dataclasses
import datetime
import enum
import json
import math

import pydantic
import pytest

from nbtrace._record import serialize as _serialize
from nbtrace._record.serialize import dumps, to_jsonable


@dataclasses.dataclass
class Doc:
    id: str
    score: float
    tags: tuple = ()


class Model(pydantic.BaseModel):
    name: str
    when: datetime.date


class HasToDict:
    def to_dict(self):
        return {"kind": "custom", "n": 1}


class FakeArray:
    """numpy-like without numpy."""
    size = 3

    def tolist(self):
        return [1.5, 2.5, float("nan")]


class FakeScalar:
    def item(self):
        return 7


class Color(enum.Enum):
    RED = "red"


class EvilRepr:
    def __repr__(self):
        raise RuntimeError("no repr")

    def __str__(self):
        raise RuntimeError("no str")


class EvilGetattr:
    def __getattr__(self, name):
        raise RuntimeError(f"no attribute {name}")

    def __repr__(self):
        return "EvilGetattr()"


Point = collections.namedtuple("Point", "x y")


def roundtrip(value):
    return json.loads(json.dumps(to_jsonable(value), allow_nan=False))


def test_plain_values_pass_through():
    value = {"s": "héllo ✓", "i": 2 ** 70, "f": 1.5, "b": True, "n": None, "l": [1, [2]]}
    assert roundtrip(value) == value


def test_structured_types():
    out = roundtrip({
        "doc": Doc("d1", 0.9, ("a",)), "model": Model(name="m", when=datetime.date(2024, 1, 2)),
        "to_dict": HasToDict(), "array": FakeArray(), "scalar": FakeScalar(), "enum": Color.RED,
        "bytes": b"abc", "binary": b"\xff\x00", "set": {3, 1, 2}, "frozen": frozenset(["x"]),
        "tuple": (1, 2), "deque": collections.deque([1]), "point": Point(1, 2),
        "dt": datetime.datetime(2024, 1, 2, 3, 4, 5), 3: "int key", None: "none key",
        ("t", 1): "tuple key", "nan": math.nan, "inf": -math.inf, "cls": int,
    })
    assert out["doc"] == {"id": "d1", "score": 0.9, "tags": ["a"]}
    assert out["model"] == {"name": "m", "when": "2024-01-02"}
    assert out["to_dict"] == {"kind": "custom", "n": 1}
    assert out["array"] == [1.5, 2.5, "NaN"]
    assert out["scalar"] == 7
    assert out["enum"] == "red"
    assert out["bytes"] == "abc"
    assert out["binary"] == "b'\\xff\\x00'"
    assert out["set"] == [1, 2, 3]
    assert out["frozen"] == ["x"]
    assert out["tuple"] == [1, 2] and out["deque"] == [1]
    assert out["point"] == {"x": 1, "y": 2}
    assert out["dt"] == "2024-01-02T03:04:05"
    assert out["3"] == "int key" and out["null"] == "none key"
    assert out["('t', 1)"] == "tuple key"
    assert out["nan"] == "NaN" and out["inf"] == "-Infinity"
    assert out["cls"] == "<class 'int'>"


def test_cycles_are_marked_not_infinite():
    a = [1]
    a.append(a)
    d = {"self": None}
    d["self"] = d
    assert roundtrip(a) == [1, "<cycle: list>"]
    assert roundtrip(d) == {"self": "<cycle: dict>"}
    shared = [1]
    assert roundtrip([shared, shared]) == [[1], [1]]  # repeated (not cyclic) is fine


def test_depth_items_nodes_and_string_limits(monkeypatch):
    deep = current = []
    for _ in range(100):
        nxt = []
        current.append(nxt)
        current = nxt
    out = roundtrip(deep)
    depth = 0
    while isinstance(out, list) and out:
        out, depth = out[0], depth + 1
    assert isinstance(out, str) and "max depth" in out
    assert depth == _serialize.MAX_DEPTH

    big = list(range(_serialize.MAX_ITEMS + 10))
    out = roundtrip(big)
    assert len(out) == _serialize.MAX_ITEMS + 1 and out[-1] == "…[10 more items truncated]"

    text = "x" * (_serialize.MAX_STR_LEN + 5)
    assert roundtrip(text).endswith("…[truncated 5 chars]")

    monkeypatch.setattr(_serialize, "MAX_NODES", 50)
    out = roundtrip([[i] for i in range(100)])
    assert out[-1] == "…[value too large, truncated]"
    assert out.count("…[value too large, truncated]") == 1
    assert 10 < len(out) < 50


def test_evil_objects_fall_back_without_raising():
    assert roundtrip(EvilRepr()) == "<unrepresentable EvilRepr object>"
    assert roundtrip(EvilGetattr()) == "EvilGetattr()"
    assert roundtrip({"x": [EvilRepr()]}) == {"x": ["<unrepresentable EvilRepr object>"]}

    class EvilToDict:
        def to_dict(self):
            raise ValueError("nope")

        def __repr__(self):
            return "EvilToDict()"

    assert roundtrip(EvilToDict()) == "EvilToDict()"

    class EvilMapping(dict):
        def items(self):
            raise RuntimeError("items")

    assert isinstance(roundtrip(EvilMapping(a=1)), str)


def test_lone_surrogates_are_made_utf8_safe():
    out = to_jsonable("bad \ud800 char")
    out.encode("utf-8")
    assert out.startswith("bad ")


def test_huge_array_like_uses_repr():
    class Huge:
        size = 10 ** 9

        def tolist(self):  # pragma: no cover - must not be called
            raise AssertionError("converted a huge array")

        def __repr__(self):
            return "Huge(...)"

    assert to_jsonable(Huge()) == "Huge(...)"


def test_generators_are_not_consumed():
    gen = (i for i in range(3))
    assert to_jsonable(gen).startswith("<generator object")
    assert list(gen) == [0, 1, 2]


@pytest.mark.parametrize("value", [float("nan"), {"a": float("inf")}, EvilRepr(), object()])
def test_dumps_is_always_valid_strict_json(value):
    json.loads(dumps(value))  # would raise on NaN/Infinity or invalid text
