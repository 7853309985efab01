"""nbtrace.to_html: one self-contained HTML file per trace (needs the built viewer:
``jlpm build:standalone`` writes python/nbtrace/static/)."""
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import nbtrace
from nbtrace import html as nbhtml
from nbtrace.html import to_html

CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"
EVIL = "</script><script>alert(1)</script>"
# The one absolute URL the viewer holds: the SVG namespace name given to
# document.createElementNS (an identifier, never fetched).
SVG_NS = "http://www.w3.org/2000/svg"


def otlp(name: str = "agent", child: str = "llm.chat") -> dict:
    span = {"traceId": "5b8efff798038103d269b633813fc60c", "status": {"code": 1}, "kind": 1}
    return {"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "demo"}}]},
        "scopeSpans": [{"scope": {"name": "manual"}, "spans": [
            {**span, "spanId": "eee19b7ec3c1b174", "parentSpanId": "", "name": name,
             "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000001500000000"},
            {**span, "spanId": "eee19b7ec3c1b175", "parentSpanId": "eee19b7ec3c1b174", "name": child,
             "startTimeUnixNano": "1700000000100000000", "endTimeUnixNano": "1700000000900000000"},
        ]}],
    }]}


class Page(HTMLParser):
    """What a browser's tokenizer sees: elements with attributes, and script contents."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list = []
        self.scripts: list = []
        self.title = ""
        self._in: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self.scripts.append([dict(attrs), ""])
        self._in = tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1][1] += data
        elif self._in == "title":
            self.title += data


def data_of(page: Page):
    (attrs, text), = [s for s in page.scripts if s[0].get("type") == "application/json"]
    assert attrs["id"] == "nbtrace-data"
    return json.loads(text)


@pytest.fixture(scope="module")
def bundle() -> str:
    path = nbhtml.STATIC / nbhtml.BUNDLE_FILE
    assert path.is_file(), f"{path} is missing: run `jlpm build:standalone` first"
    return path.read_text(encoding="utf-8")


def test_file_is_self_contained(tmp_path, bundle):
    doc = otlp()
    target = tmp_path / "trace.html"
    assert to_html(doc, target) == str(target)
    text = target.read_text(encoding="utf-8")
    page = Page(text)
    # the viewer, inline, and the data, as data
    assert bundle in text and len(bundle) > 50_000
    assert data_of(page) == doc
    assert [s[0] for s in page.scripts] == [{"type": "application/json", "id": "nbtrace-data"}, {}, {}]
    assert "window.nbtraceStandalone.render(" in page.scripts[2][1]
    # a strict CSP, first thing in <head> after the charset
    metas = [a for t, a in page.tags if t == "meta"]
    assert metas[0] == {"charset": "utf-8"}
    assert metas[1] == {"http-equiv": "Content-Security-Policy", "content": CSP}
    # nothing refers to anything outside the file
    assert re.findall(r"https?:|//", text.replace(SVG_NS, "")) == []
    assert text.count(SVG_NS) == bundle.count(SVG_NS) <= 2
    for tag, attrs in page.tags:
        for name in ("src", "href", "action", "srcset", "poster", "data", "background"):
            assert name not in attrs, (tag, attrs)
    assert {t for t, _ in page.tags} <= {"html", "head", "meta", "title", "body", "noscript", "div", "script"}
    assert not re.search(r"url\(\s*(?![\"']?data:)|@import", text)


def test_script_break_out_stays_data(bundle):
    doc = otlp(name=EVIL, child="a & b \u2028 <!-- c --> \u2029 é 😀")
    text = to_html(doc)
    assert EVIL not in text and "<!--" not in text.replace(bundle, "")
    page = Page(text)
    assert len(page.scripts) == 3  # nothing opened a fourth script
    assert data_of(page) == doc
    (json_text,) = [s[1] for s in page.scripts if s[0].get("type") == "application/json"]
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in json_text
    assert "\\u2028" in json_text and "\u2028" not in json_text and "\\u0026" in json_text
    assert "é 😀" in json_text  # other text stays as UTF-8, compact


def test_title_is_escaped_and_defaults_to_the_summary():
    page = Page(to_html(otlp(), title=EVIL + ' "&\''))
    assert page.title == EVIL + ' "&\''
    assert [t for t, _ in page.tags].count("script") == 3
    raw = to_html(otlp(), title="<b>")
    assert "<title>&#60;b&#62;</title>" in raw
    assert Page(to_html(otlp())).title == "nbtrace trace 'agent' · 2 spans · 1.50 s"


def test_accepts_what_show_accepts(tmp_path):
    with nbtrace.start_span("ours", span_type="AGENT") as span:
        span.set_inputs({"q": "hi"})
    ours = nbtrace.get_last_trace()
    assert data_of(Page(to_html(ours))) == ours
    assert data_of(Page(to_html(json.dumps(ours)))) == ours
    jsonl = json.dumps(otlp()) + "\n" + json.dumps(otlp("second")) + "\n"
    assert data_of(Page(to_html(jsonl))) == [otlp(), otlp("second")]
    assert data_of(Page(to_html(nbtrace.last_traces()))) == ours  # a list of one: that one
    written = to_html(otlp(), str(tmp_path / "as-str.html"))
    assert written == str(tmp_path / "as-str.html") and Path(written).read_text().startswith("<!DOCTYPE html>")
    with pytest.raises(ValueError):
        to_html({"not": "a trace"})
    with pytest.raises(TypeError):
        to_html(42)


def test_lone_surrogates_and_non_json_values_are_written(tmp_path):
    doc = otlp(name="half \ud83d pair")
    target = tmp_path / "s.html"
    to_html(doc, target)
    parsed = data_of(Page(target.read_text(encoding="utf-8")))
    # A lone surrogate is not valid UTF-8: show's coercion writes it escaped, visibly (as in the notebook).
    assert parsed["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["name"] == "half \\ud83d pair"
    doc["resourceSpans"][0]["resource"]["attributes"].append({"key": "x", "value": float("nan")})
    data_of(Page(to_html(doc)))  # NaN made JSON-safe (show's coercion), still valid JSON


def test_fill_template_rules():
    template = "<title>{{nbtrace:title}}</title>{{nbtrace:data}}|{{nbtrace:bundle}}"
    # one pass: placeholder text in the values is left alone
    out = nbhtml.fill_template(template, "B{{nbtrace:title}}", '"{{nbtrace:data}}"', "{{nbtrace:bundle}}")
    assert out == '<title>{{nbtrace:bundle}}</title>"{{nbtrace:data}}"|B{{nbtrace:title}}'
    with pytest.raises(ValueError, match="exactly once"):
        nbhtml.fill_template(template + "{{nbtrace:data}}", "", "1", "t")
    with pytest.raises(ValueError, match="cannot be inlined"):
        nbhtml.fill_template(template, "x='</SCRIPT>'", "1", "t")
    assert nbhtml.escape_json_for_script('"<>&\u2028\u2029\udc00"') == '"\\u003c\\u003e\\u0026\\u2028\\u2029\\udc00"'
    assert nbhtml.escape_html("&<>\"'") == "&#38;&#60;&#62;&#34;&#39;"


def test_missing_viewer_says_how_to_build_it(monkeypatch, tmp_path):
    monkeypatch.setattr(nbhtml, "STATIC", tmp_path)
    with pytest.raises(FileNotFoundError, match="build:standalone"):
        to_html(otlp())
