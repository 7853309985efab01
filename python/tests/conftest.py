import base64
import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # python/ → import nbtrace from source

import nbtrace  # noqa: E402
from nbtrace import _util  # noqa: E402
from nbtrace._notebook import kernel  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts with no traces, no reported warnings, default settings."""
    collector = nbtrace.get_collector()
    listeners = collector.listeners
    collector.clear()
    _util.reset_reported_errors()
    saved = nbtrace.configure()
    yield
    for listener in collector.listeners:
        if listener not in listeners:
            collector.remove_listener(listener)
    nbtrace.configure(display=saved["display"], max_traces=saved["max_traces"],
                      live=saved["live"], update_interval=saved["update_interval"],
                      html_summary=saved["html_summary"], max_value_chars=saved["max_value_chars"],
                      max_spans_per_trace=saved["max_spans_per_trace"],
                      max_events_per_span=saved["max_events_per_span"])
    collector.clear()


@pytest.fixture
def displayed(monkeypatch):
    """Pretend to be in a kernel; collect (bundle, display_id, update) per publish."""
    calls = []
    monkeypatch.setattr(kernel, "in_kernel", lambda: True)
    monkeypatch.setattr(
        kernel, "publish",
        lambda bundle, display_id=None, update=False: calls.append((bundle, display_id, update)))
    return calls


def spans_by_name(trace):
    return {s["name"]: s for s in trace["data"]["spans"]}


def attr(span, key):
    """Decode one JSON-encoded span attribute."""
    return json.loads(span["attributes"][key])


def b64(value):
    return base64.b64decode(value, validate=True)


SRC = Path(__file__).resolve().parents[1]  # python/: kernels started by tests import nbtrace from here


def kernel_env() -> dict:
    """The environment for a test kernel (nbclient / jupyter_client): this source tree first on PYTHONPATH."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC)] + [p for p in [env.get("PYTHONPATH")] if p])
    return env

# The shared fixtures live beside the repository (../shared/fixtures), or where NBTRACE_FIXTURES says.
FIXTURES_ROOT = Path(os.environ.get("NBTRACE_FIXTURES") or SRC.parent.parent / "shared" / "fixtures")


@pytest.fixture(scope="module")
def server():
    """nbtrace's fake OpenAI / Anthropic server on 127.0.0.1, one per test module."""
    from nbtrace.fake_llm import FakeLLMServer

    with FakeLLMServer() as srv:
        yield srv
