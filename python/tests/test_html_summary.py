"""The static text/html summary in each trace output: for viewers without nbtrace
(GitHub, nbviewer, VS Code). Escaped, bounded, no active content, omitted on request."""
import html.parser
import json
import re

import nbtrace
from nbtrace._notebook import bundle as _bundle, show as _show
from nbtrace._documents.html_summary import MAX_HTML_BYTES, html_summary

XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>'


class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.text = set(), set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)

    def handle_data(self, data):
        self.text.append(data)


def parse(markup):
    p = _Tags()
    p.feed(markup)
    return p


def make_trace():
    @nbtrace.trace(span_type="TOOL", name=XSS)
    def tool():
        return 1

    @nbtrace.trace(span_type="AGENT")
    def agent():
        tool()
        with nbtrace.start_span("plan", span_type="CHAIN"):
            pass
        try:
            with nbtrace.start_span("fails"):
                raise ValueError("nope")
        except ValueError:
            pass

    agent()
    return nbtrace.get_collector().last_finished_trace()


def test_finished_trace_bundle_has_an_escaped_static_summary():
    bundle = _bundle.trace_bundle(make_trace())
    markup = bundle["text/html"]
    doc = parse(markup)
    assert doc.tags <= {"div", "b", "table", "thead", "tbody", "tr", "th", "td"}
    assert not any(a.startswith("on") for a in doc.attrs)
    assert "<script" not in markup and "<img" not in markup
    text = "".join(doc.text)
    assert XSS in text  # shown as text, exactly
    assert "agent" in text and "plan" in text and "fails" in text
    assert "AGENT" in text and "ERROR" in text
    assert "4 spans" in text and "1 error" in text  # the text/plain summary heads it
    # Rows: the root, then its children by start time (indented).
    rows = re.findall(r"<tr><td[^>]*>(.*?)</td>", markup)
    assert [html.unescape(r).replace("\xa0", "") for r in rows] == ["agent", XSS, "plan", "fails"]


def test_a_running_trace_has_no_static_summary_until_it_ends():
    with nbtrace.start_span("root") as span:
        running = _bundle.trace_bundle(span._trace)
        assert "text/html" not in running
    assert "text/html" in _bundle.trace_bundle(span._trace)


def test_summary_is_bounded_for_huge_traces():
    with nbtrace.start_span("root"):
        for i in range(5000):
            with nbtrace.start_span(f"step {i} " + "x" * 500):
                pass
    bundle = _bundle.trace_bundle(nbtrace.get_collector().last_finished_trace())
    markup = bundle["text/html"]
    assert len(markup.encode("utf-8")) <= MAX_HTML_BYTES
    assert len(markup) < 0.05 * len(json.dumps(bundle[_bundle.MIME_TYPE]))
    assert "more spans" in markup


def test_can_be_turned_off_and_show_uses_it_too():
    doc = nbtrace.trace_to_dict(make_trace())
    assert "text/html" in _show.show_bundle(doc)
    assert nbtrace.configure(html_summary=False)["html_summary"] is False
    assert "text/html" not in _show.show_bundle(doc)
    assert "text/html" not in _bundle.trace_bundle(nbtrace.get_collector().last_finished_trace())


def test_other_formats_and_junk_give_no_html():
    assert html_summary({"resourceSpans": []}, "<x>") is None
    assert html_summary({"data": {"spans": "no"}}, "<x>") is None
    assert html_summary(None, "<x>") is None
    odd = html_summary({"data": {"spans": [None, 1, {"name": 5, "start_time_unix_nano": "nan"}]}}, "<x>")
    assert odd is not None and "running" in odd
