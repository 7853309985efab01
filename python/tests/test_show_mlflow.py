"""nbtrace.show() of MLflow objects, without mlflow: stand-ins shaped like MLflow 3's
``Trace`` (``.info`` / ``.data`` / ``to_dict()`` / ``to_json()``), ``PagedList`` and the
``search_traces()`` DataFrame, whose payloads are the real MLflow fixtures in
../shared/fixtures/mlflow beside the repository (see SOURCES.md there)."""
import copy
import json

import pytest
from conftest import FIXTURES_ROOT

import nbtrace
from nbtrace import MIME_TYPE
from nbtrace._notebook.show import show_bundle

FIXTURES = FIXTURES_ROOT / "mlflow"
TRACE_FILES = [
    "v3-trace__qa-chain-3spans-assessment-tokenusage__js-test-utils.json",
    "v3-trace__otel-openinference-tool-call__js-test-utils.json",
    "v2-trace__predict-add-one-2spans__tests-tracing-helper.json",
    "v2-trace__nested-chain-chatmodel-llm__js-test-utils.json",
]


def load(name=TRACE_FILES[0]):
    return json.loads((FIXTURES / name).read_text())


# ---------------------------------------------------------------- MLflow-shaped stand-ins
class TraceInfo:
    """Like ``mlflow.entities.TraceInfo``: attributes + ``to_dict()``."""

    def __init__(self, d):
        self._d = copy.deepcopy(d)
        self.trace_id = d.get("trace_id") or d.get("request_id")
        self.state = d.get("state") or d.get("status")

    def to_dict(self):
        return copy.deepcopy(self._d)


class MlflowSpan:
    """Like ``mlflow.entities.Span``: ``to_dict()`` gives the span dict."""

    def __init__(self, d):
        self._d = copy.deepcopy(d)
        self.name = d.get("name")

    def to_dict(self):
        return copy.deepcopy(self._d)


class TraceData:
    """Like ``mlflow.entities.TraceData``: ``.spans`` + ``to_dict()``."""

    def __init__(self, d):
        self.spans = [MlflowSpan(s) for s in d["spans"]]
        self._extra = {k: v for k, v in d.items() if k != "spans"}  # 2.x request/response

    def to_dict(self):
        return {"spans": [s.to_dict() for s in self.spans], **copy.deepcopy(self._extra)}


class Trace:
    """Like ``mlflow.entities.Trace`` (MLflow 3): ``info``, ``data``, ``to_dict()``,
    ``to_json(pretty=False)``."""

    def __init__(self, d):
        self.info = TraceInfo(d["info"])
        self.data = TraceData(d["data"])

    def to_dict(self):
        return {"info": self.info.to_dict(), "data": self.data.to_dict()}

    def to_json(self, pretty=False):
        return json.dumps(self.to_dict(), indent=2 if pretty else None)


class JsonOnlyTrace:
    def __init__(self, d):
        self._text = json.dumps(d)

    def to_json(self):
        return self._text


class BareData:
    """A TraceData without to_dict(): only its spans."""

    def __init__(self, d):
        self.spans = [MlflowSpan(s) for s in d["spans"]]


class InfoDataTrace:
    """A trace object with only ``.info`` and ``.data`` (no to_dict / to_json)."""

    def __init__(self, d, data_cls=BareData):
        self.info = TraceInfo(d["info"])
        self.data = data_cls(d["data"])


class PagedList(list):
    """Like ``mlflow.store.entities.PagedList`` (what search_traces(return_type="list") gives)."""

    token = None


class Column(list):
    pass


class Frame:
    """Duck-typed like the pandas DataFrame of ``mlflow.search_traces()`` (no pandas here):
    ``columns``, ``frame["col"]``, and a ``to_dict()`` that is *not* a trace."""

    def __init__(self, rows):
        self._rows = rows

    @property
    def columns(self):
        return list(self._rows[0]) if self._rows else ["trace_id", "trace"]

    def __getitem__(self, name):
        return Column(row[name] for row in self._rows)

    def to_dict(self):
        return {c: dict(enumerate(self[c])) for c in self.columns}


def frame_of(traces, trace_value=lambda t: t):
    return Frame([{"trace_id": t.info.trace_id, "trace": trace_value(t), "state": t.info.state}
                  for t in traces])


# ---------------------------------------------------------------- tests
@pytest.mark.parametrize("name", TRACE_FILES)
def test_show_an_mlflow_trace_object_sends_its_to_dict(name):
    doc = load(name)
    bundle = show_bundle(Trace(doc))
    assert bundle[MIME_TYPE] == doc
    assert bundle["text/plain"].startswith("<nbtrace trace ")
    json.dumps(bundle, allow_nan=False)


def test_summary_of_an_mlflow_trace_object():
    bundle = show_bundle(Trace(load()))
    assert bundle["text/plain"] == "<nbtrace trace 'document-qa-chain' · 3 spans · 300 tokens · 32.58 s>"


def test_to_json_only_and_info_data_only_objects():
    doc = load()
    assert show_bundle(JsonOnlyTrace(doc))[MIME_TYPE] == doc
    assert show_bundle(InfoDataTrace(doc))[MIME_TYPE] == doc  # spans read one by one
    v2 = load(TRACE_FILES[2])
    assert show_bundle(InfoDataTrace(v2, data_cls=TraceData))[MIME_TYPE] == v2  # data.to_dict()


def test_the_json_mlflow_writes():
    doc = load()
    trace = Trace(doc)
    assert show_bundle(trace.to_json())[MIME_TYPE] == doc
    assert show_bundle(trace.to_json(pretty=True))[MIME_TYPE] == doc
    assert show_bundle(trace.to_json().encode("utf-8"))[MIME_TYPE] == doc
    lines = "\n".join(Trace(load(n)).to_json() for n in TRACE_FILES[:2])  # JSON Lines
    assert show_bundle(lines)[MIME_TYPE] == [load(n) for n in TRACE_FILES[:2]]
    array = json.dumps([Trace(load(n)).to_dict() for n in TRACE_FILES])
    assert show_bundle(array)[MIME_TYPE] == [load(n) for n in TRACE_FILES]


def test_lists_of_trace_objects_are_one_output_with_several_traces():
    docs = [load(n) for n in TRACE_FILES]
    for container in (list, tuple, PagedList):
        bundle = show_bundle(container(Trace(d) for d in docs))
        assert bundle[MIME_TYPE] == docs
        assert bundle["text/plain"].startswith("<nbtrace 4 traces · 10 spans")
    mixed = [Trace(docs[0]), docs[1], json.dumps(docs[2]), JsonOnlyTrace(docs[3])]
    assert show_bundle(mixed)[MIME_TYPE] == docs
    assert show_bundle([Trace(docs[0])])[MIME_TYPE] == docs[0]  # one: shown as itself


def test_search_traces_dataframe_without_pandas():
    docs = [load(n) for n in TRACE_FILES[:3]]
    traces = [Trace(d) for d in docs]
    assert show_bundle(frame_of(traces))[MIME_TYPE] == docs
    assert show_bundle(frame_of(traces, lambda t: t.to_json()))[MIME_TYPE] == docs
    assert show_bundle(frame_of(traces[:1]))[MIME_TYPE] == docs[0]
    with pytest.raises(ValueError, match='nbtrace.show: this table has no .trace. column.*return_type="list"'):
        show_bundle(Frame([{"trace_id": "tr-1", "request": "{}"}]))
    with pytest.raises(ValueError, match="empty list"):
        show_bundle(Frame([]))


def test_errors_name_the_object():
    class Broken:
        def to_dict(self):
            raise RuntimeError("no server")

    with pytest.raises(TypeError, match=r"nbtrace.show: Broken.to_dict\(\) failed \(RuntimeError: no server\)"):
        show_bundle(Broken())

    class HalfTrace:
        info = object()
        data = object()

    with pytest.raises(TypeError, match="cannot read object as part of a trace"):
        show_bundle(HalfTrace())

    class NotATrace:
        def to_json(self):
            return '{"hello": 1}'

    with pytest.raises(ValueError, match="not a trace"):
        show_bundle(NotATrace())


def test_our_own_trace_record_and_last_traces():
    with nbtrace.start_span("ours"):
        pass
    record = nbtrace.get_collector().last_finished_trace()
    assert show_bundle(record)[MIME_TYPE] == nbtrace.get_last_trace()
    with nbtrace.start_span("second"):
        pass
    assert show_bundle(nbtrace.last_traces())[MIME_TYPE] == nbtrace.last_traces()


def test_show_publishes_one_output_for_a_list(displayed):
    docs = [load(n) for n in TRACE_FILES[:2]]
    nbtrace.show(PagedList(Trace(d) for d in docs))
    nbtrace.show(Trace(docs[0]))
    assert [(b[MIME_TYPE], display_id, update) for b, display_id, update in displayed] == [
        (docs, None, False), (docs[0], None, False)]
