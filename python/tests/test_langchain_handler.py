"""nbtrace.langchain: LangChain callback sequences → spans (the MlflowLangchainTracer mapping).

langchain-core is not installed here, so the tests drive the handler with the
callback sequences LangChain documents and emits, using small duck-typed
stand-ins for its messages, generations, documents and agent actions (below).
One test runs a subprocess with a stub ``langchain_core`` package to check the
subclassing and ``autolog()`` registration wiring.
"""
import subprocess
import sys
import textwrap
import threading
import uuid
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import attr, spans_by_name, kernel_env

import nbtrace
from nbtrace import NbtraceWarning
from nbtrace.langchain import NbtraceCallbackHandler, autolog

MIME = nbtrace.MIME_TYPE


# ---------------------------------------------------------------- LangChain stand-ins
class Message:
    """BaseMessage: .type, .content, .additional_kwargs, .tool_calls, ..."""

    def __init__(self, type, content, tool_calls=(), usage_metadata=None, tool_call_id=None,
                 additional_kwargs=None, role=None, name=None):
        self.type, self.content = type, content
        self.tool_calls = list(tool_calls)
        self.usage_metadata = usage_metadata
        self.additional_kwargs = additional_kwargs or {}
        self.response_metadata = {}
        self.tool_call_id, self.name, self.id = tool_call_id, name, None
        if role is not None:
            self.role = role


class Generation:
    type = "Generation"

    def __init__(self, text, generation_info=None):
        self.text, self.generation_info = text, generation_info


class ChatGeneration(Generation):
    type = "ChatGeneration"

    def __init__(self, message):
        super().__init__(message.content if isinstance(message.content, str) else "")
        self.message = message


class LLMResult:
    def __init__(self, generations, llm_output=None):
        self.generations, self.llm_output = generations, llm_output


class Document:
    def __init__(self, page_content, metadata, id=None):
        self.page_content, self.metadata, self.id = page_content, metadata, id


class AgentAction:
    def __init__(self, tool, tool_input, log):
        self.tool, self.tool_input, self.log = tool, tool_input, log


class AgentFinish:
    def __init__(self, return_values, log):
        self.return_values, self.log = return_values, log


def rid():
    return uuid.uuid4()


def tree(doc):
    spans = doc["data"]["spans"]
    names = {s["span_id"]: s["name"] for s in spans}
    return {(s["name"], names.get(s["parent_span_id"])) for s in spans}


def kinds(doc):
    return {s["name"]: attr(s, "mlflow.spanType") for s in doc["data"]["spans"]}


@pytest.fixture
def no_internal_errors():
    """Fail if the handler reported an internal error (it would otherwise be silent)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    assert [str(w.message) for w in caught if issubclass(w.category, NbtraceWarning)] == []


WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}


# ---------------------------------------------------------------- tests
def test_agent_with_a_chat_model_that_calls_a_tool(no_internal_errors):
    h = NbtraceCallbackHandler()
    agent, seq, model, tool = rid(), rid(), rid(), rid()
    call = {"name": "get_weather", "args": {"city": "Paris"}, "id": "call_1", "type": "tool_call"}
    h.on_chain_start({"id": ["langchain", "agents", "agent", "AgentExecutor"], "name": "AgentExecutor"},
                     {"input": "Weather in Paris?"}, run_id=agent, parent_run_id=None, tags=[],
                     metadata={"session": "s1"})
    assert nbtrace.get_current_span().name == "AgentExecutor"  # current while the run runs
    h.on_chain_start(None, {"input": "Weather in Paris?", "intermediate_steps": []}, run_id=seq,
                     parent_run_id=agent, tags=[], name="RunnableSequence")
    h.on_chat_model_start(
        {"id": ["langchain", "chat_models", "openai", "ChatOpenAI"], "name": "ChatOpenAI"},
        [[Message("system", "You are helpful."), Message("human", "Weather in Paris?")]],
        run_id=model, parent_run_id=seq, tags=[],
        metadata={"ls_provider": "openai", "ls_model_name": "gpt-4o-mini"},
        invocation_params={"model": "gpt-4o-mini", "temperature": 0, "tools": [WEATHER_TOOL]})
    reply = Message("ai", "", tool_calls=[call], usage_metadata={
        "input_tokens": 20, "output_tokens": 5, "total_tokens": 25,
        "input_token_details": {"cache_read": 3}})
    h.on_llm_end(LLMResult([[ChatGeneration(reply)]], {"token_usage": {"total_tokens": 999}}),
                 run_id=model, parent_run_id=seq)
    h.on_chain_end({"output": "tool call"}, run_id=seq, parent_run_id=agent)
    h.on_agent_action(AgentAction("get_weather", {"city": "Paris"}, "Calling get_weather"),
                      run_id=agent)
    h.on_tool_start({"name": "get_weather", "description": "Weather in a city"}, "{'city': 'Paris'}",
                    run_id=tool, parent_run_id=agent, tags=[])
    assert nbtrace.get_current_span().name == "get_weather"
    h.on_tool_end(Message("tool", "sunny, 21°C", tool_call_id="call_1"), run_id=tool,
                  parent_run_id=agent)
    assert nbtrace.get_current_span().name == "AgentExecutor"
    h.on_agent_finish(AgentFinish({"output": "It is sunny."}, "Final answer"), run_id=agent)
    h.on_chain_end({"output": "It is sunny."}, run_id=agent)
    assert nbtrace.get_current_span() is None

    doc = nbtrace.get_last_trace()
    assert doc["info"]["state"] == "OK" and doc["info"]["tags"]["mlflow.traceName"] == "AgentExecutor"
    assert tree(doc) == {("AgentExecutor", None), ("RunnableSequence", "AgentExecutor"),
                         ("ChatOpenAI", "RunnableSequence"), ("get_weather", "AgentExecutor")}
    assert kinds(doc) == {"AgentExecutor": "AGENT", "RunnableSequence": "CHAIN",
                          "ChatOpenAI": "CHAT_MODEL", "get_weather": "TOOL"}
    spans = spans_by_name(doc)
    root = spans["AgentExecutor"]
    assert attr(root, "mlflow.spanInputs") == {"input": "Weather in Paris?"}
    assert attr(root, "mlflow.spanOutputs") == {"output": "It is sunny."}
    assert attr(root, "metadata") == {"session": "s1"}
    assert [(e["name"], e["attributes"]) for e in root["events"]] == [
        ("agent_action", {"tool": "get_weather", "tool_input": {"city": "Paris"},
                          "log": "Calling get_weather"}),
        ("agent_finish", {"return_values": {"output": "It is sunny."}, "log": "Final answer"})]

    chat = spans["ChatOpenAI"]
    assert attr(chat, "mlflow.spanInputs") == [[
        {"role": "system", "type": "system", "content": "You are helpful."},
        {"role": "user", "type": "human", "content": "Weather in Paris?"}]]
    assert attr(chat, "mlflow.message.format") == "langchain"
    assert attr(chat, "mlflow.chat.tools") == [WEATHER_TOOL]
    assert attr(chat, "mlflow.llm.model") == "gpt-4o-mini"
    assert attr(chat, "mlflow.llm.provider") == "openai"
    assert attr(chat, "invocation_params")["temperature"] == 0
    out = attr(chat, "mlflow.spanOutputs")
    message = out["generations"][0][0]["message"]
    assert message["role"] == "assistant" and message["tool_calls"] == [call]
    assert out["generations"][0][0]["type"] == "ChatGeneration"
    # usage_metadata wins over llm_output; cache reads are kept
    assert attr(chat, "mlflow.chat.tokenUsage") == {
        "input_tokens": 20, "output_tokens": 5, "total_tokens": 25, "cache_read_input_tokens": 3}
    assert doc["info"]["trace_metadata"]["mlflow.trace.tokenUsage"]

    tool_span = spans["get_weather"]
    assert attr(tool_span, "mlflow.spanInputs") == {"city": "Paris"}  # parsed from the literal
    assert attr(tool_span, "mlflow.spanOutputs") == {
        "role": "tool", "type": "tool", "content": "sunny, 21°C", "tool_call_id": "call_1"}
    assert {s["status"]["code"] for s in doc["data"]["spans"]} == {"STATUS_CODE_OK"}


def test_retriever_then_streaming_llm(no_internal_errors):
    h = NbtraceCallbackHandler(max_token_events=5)
    chain, retriever, llm = rid(), rid(), rid()
    h.on_chain_start({"name": "rag"}, {"question": "What is nbtrace?"}, run_id=chain)
    h.on_retriever_start({"id": ["langchain", "retrievers", "VectorStoreRetriever"]},
                         "What is nbtrace?", run_id=retriever, parent_run_id=chain,
                         metadata={"ls_retriever_name": "vectorstore"})
    h.on_retriever_end([Document("nbtrace shows traces.", {"source": "README.md"}, id="d1"),
                        Document("It runs in JupyterLab.", {"source": "docs.md"})],
                       run_id=retriever, parent_run_id=chain)
    h.on_llm_start({"name": "FakeListLLM"}, ["Context: ...\nQuestion: What is nbtrace?"],
                   run_id=llm, parent_run_id=chain, invocation_params={"model_name": "fake"})
    tokens = ["nb", "trace", " shows", " traces", " in", " the", " notebook", "."]
    for token in tokens:
        h.on_llm_new_token(token, run_id=llm, parent_run_id=chain)
    h.on_llm_end(LLMResult([[Generation("".join(tokens), {"finish_reason": "stop"})]],
                           {"token_usage": {"prompt_tokens": 7, "completion_tokens": 8,
                                            "total_tokens": 15,
                                            "prompt_tokens_details": {"cached_tokens": 2}}}),
                 run_id=llm, parent_run_id=chain)
    h.on_chain_end("nbtrace shows traces in the notebook.", run_id=chain)

    doc = nbtrace.get_last_trace()
    assert tree(doc) == {("rag", None), ("VectorStoreRetriever", "rag"), ("FakeListLLM", "rag")}
    assert kinds(doc) == {"rag": "CHAIN", "VectorStoreRetriever": "RETRIEVER", "FakeListLLM": "LLM"}
    spans = spans_by_name(doc)
    ret = spans["VectorStoreRetriever"]
    assert attr(ret, "mlflow.spanInputs") == "What is nbtrace?"
    assert attr(ret, "mlflow.spanOutputs") == [
        {"page_content": "nbtrace shows traces.", "metadata": {"source": "README.md"}, "id": "d1"},
        {"page_content": "It runs in JupyterLab.", "metadata": {"source": "docs.md"}, "id": None}]
    llm_span = spans["FakeListLLM"]
    assert attr(llm_span, "mlflow.spanInputs") == ["Context: ...\nQuestion: What is nbtrace?"]
    assert attr(llm_span, "mlflow.llm.model") == "fake"
    assert [e["attributes"]["token"] for e in llm_span["events"]] == tokens[:5]
    assert {e["name"] for e in llm_span["events"]} == {"new_token"}
    assert attr(llm_span, "nbtrace.dropped_new_token_events") == 3
    assert attr(llm_span, "mlflow.chat.tokenUsage") == {
        "input_tokens": 7, "output_tokens": 8, "total_tokens": 15, "cache_read_input_tokens": 2}
    out = attr(llm_span, "mlflow.spanOutputs")
    assert out["generations"] == [[{"text": "".join(tokens), "type": "Generation",
                                    "generation_info": {"finish_reason": "stop"}}]]
    assert attr(spans["rag"], "mlflow.spanOutputs") == "nbtrace shows traces in the notebook."


def test_an_error_in_a_tool_marks_the_tool_and_the_chain(no_internal_errors):
    h = NbtraceCallbackHandler()
    chain, tool = rid(), rid()
    h.on_chain_start({"name": "planner"}, {"city": "Atlantis"}, run_id=chain)
    h.on_tool_start({"name": "get_weather"}, "Atlantis", run_id=tool, parent_run_id=chain,
                    inputs={"city": "Atlantis"})
    try:
        raise ValueError("unknown city: Atlantis")
    except ValueError as exc:
        error = exc
    h.on_tool_error(error, run_id=tool, parent_run_id=chain)
    h.on_chain_error(error, run_id=chain, inputs={"city": "Atlantis", "retry": False})
    assert nbtrace.get_current_span() is None

    doc = nbtrace.get_last_trace()
    assert doc["info"]["state"] == "ERROR"
    spans = spans_by_name(doc)
    for name in ("planner", "get_weather"):
        span = spans[name]
        assert span["status"] == {"code": "STATUS_CODE_ERROR",
                                  "message": "ValueError: unknown city: Atlantis"}
        (event,) = span["events"]
        assert event["name"] == "exception"
        assert event["attributes"]["exception.type"] == "ValueError"
        assert "raise ValueError" in event["attributes"]["exception.stacktrace"]
        assert "mlflow.spanOutputs" not in span["attributes"]
    assert attr(spans["get_weather"], "mlflow.spanInputs") == {"city": "Atlantis"}
    assert attr(spans["planner"], "mlflow.spanInputs") == {"city": "Atlantis", "retry": False}


def test_runs_nest_under_the_current_span_and_user_spans_nest_under_runs(no_internal_errors):
    h = NbtraceCallbackHandler()

    @nbtrace.trace(span_type="TOOL")
    def lookup(city):
        return {"temp": 21}

    chain, tool, inner = rid(), rid(), rid()
    with nbtrace.start_span("cell") as cell:
        h.on_chain_start({"name": "agent loop"}, {"q": 1}, run_id=chain, tags=["agent"])
        h.on_tool_start({"name": "weather"}, "Paris", run_id=tool, parent_run_id=chain)
        lookup("Paris")  # user code inside the tool: under the tool's span
        with nbtrace.start_span("user step"):
            # a LangChain run inside user code inside the tool: under the user span
            h.on_chat_model_start({"name": "Chat"}, [[Message("human", "hi")]], run_id=inner,
                                  parent_run_id=tool)
            h.on_llm_end(LLMResult([[ChatGeneration(Message("ai", "hello"))]]), run_id=inner)
        h.on_tool_end("21", run_id=tool, parent_run_id=chain)
        h.on_chain_end({"out": 1}, run_id=chain)
        assert nbtrace.get_current_span() is cell
    doc = nbtrace.get_last_trace()
    assert tree(doc) == {("cell", None), ("agent loop", "cell"), ("weather", "agent loop"),
                         ("lookup", "weather"), ("user step", "weather"), ("Chat", "user step")}
    assert kinds(doc)["agent loop"] == "AGENT"  # said by a tag


def test_attach_context_false_leaves_the_current_span_alone(no_internal_errors):
    h = NbtraceCallbackHandler(attach_context=False)
    chain = rid()
    h.on_chain_start({"name": "c"}, {}, run_id=chain)
    assert nbtrace.get_current_span() is None
    h.on_chain_end({}, run_id=chain)
    assert tree(nbtrace.get_last_trace()) == {("c", None)}


def test_batch_runs_started_together_are_separate_traces(no_internal_errors):
    """RunnableSequence.batch starts every item's run, then ends them all."""
    h = NbtraceCallbackHandler()
    runs = [rid() for _ in range(3)]
    for i, run in enumerate(runs):
        h.on_chain_start({"name": f"item{i}"}, {"i": i}, run_id=run, parent_run_id=None)
    for run in runs:  # ended first-started first: out of context order
        h.on_chain_end({}, run_id=run)
    assert nbtrace.get_current_span() is None  # no ended run is left current
    traces = nbtrace.get_collector().finished_traces()
    assert sorted(t.name for t in traces) == ["item0", "item1", "item2"]
    assert all(len(t.spans) == 1 for t in traces)


def test_concurrent_runs_from_many_threads(no_internal_errors):
    collector = nbtrace.TraceCollector(max_finished_traces=100)
    h = NbtraceCallbackHandler(collector=collector)

    def run_chain(i):
        chain, model, tool = rid(), rid(), rid()
        h.on_chain_start({"name": f"chain{i}"}, {"i": i}, run_id=chain)
        h.on_chat_model_start({"name": "Chat"}, [[Message("human", str(i))]], run_id=model,
                              parent_run_id=chain)
        for t in range(3):
            h.on_llm_new_token(str(t), run_id=model)
        h.on_llm_end(LLMResult([[ChatGeneration(Message("ai", f"answer {i}", usage_metadata={
            "input_tokens": i, "output_tokens": 1, "total_tokens": i + 1}))]]), run_id=model)
        h.on_tool_start({"name": "tool"}, str(i), run_id=tool, parent_run_id=chain)
        h.on_tool_end(str(i * 2), run_id=tool)
        h.on_chain_end({"i": i}, run_id=chain)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(run_chain, range(60)))
    traces = collector.finished_traces()
    assert len(traces) == 60 and collector.active_traces() == []
    for trace in traces:
        doc = nbtrace.trace_to_dict(trace)
        i = int(trace.name[len("chain"):])
        assert tree(doc) == {(f"chain{i}", None), ("Chat", f"chain{i}"), ("tool", f"chain{i}")}
        spans = spans_by_name(doc)
        assert attr(spans["Chat"], "mlflow.chat.tokenUsage")["total_tokens"] == i + 1
        assert attr(spans["tool"], "mlflow.spanOutputs") == str(i * 2)
        assert len(spans["Chat"]["events"]) == 3
    assert h._runs == {}


def test_message_shapes_and_tool_definitions(no_internal_errors):
    h = NbtraceCallbackHandler()
    model = rid()
    legacy_call = {"id": "c0", "type": "function",
                   "function": {"name": "search", "arguments": "{\"q\": \"x\"}"}}
    messages = [[
        Message("chat", "hi", role="critic"),
        Message("AIMessageChunk", [{"type": "text", "text": "part"}]),
        Message("ai", "", additional_kwargs={"tool_calls": [legacy_call]}),
        Message("tool", "result", tool_call_id="c0", name="search"),
    ]]
    anthropic_tool = {"name": "search", "description": "Search", "input_schema": {"type": "object"}}
    h.on_chat_model_start({"name": "ChatAnthropic"}, messages, run_id=model,
                          invocation_params={"tools": [anthropic_tool, {"no": "name"}]})
    h.on_llm_error(TimeoutError("slow"), run_id=model)
    span = spans_by_name(nbtrace.get_last_trace())["ChatAnthropic"]
    assert attr(span, "mlflow.spanInputs") == [[
        {"role": "critic", "type": "chat", "content": "hi"},
        {"role": "assistant", "type": "AIMessageChunk", "content": [{"type": "text", "text": "part"}]},
        {"role": "assistant", "type": "ai", "content": "",
         "additional_kwargs": {"tool_calls": [legacy_call]}},
        {"role": "tool", "type": "tool", "content": "result", "tool_call_id": "c0",
         "name": "search"}]]
    assert attr(span, "mlflow.chat.tools") == [{"type": "function", "function": {
        "name": "search", "description": "Search", "parameters": {"type": "object"}}}]
    assert span["status"]["message"] == "TimeoutError: slow"


def test_events_text_retry_custom_and_unknown_runs(no_internal_errors):
    h = NbtraceCallbackHandler()
    chain = rid()

    class Outcome:
        failed = True

        def exception(self):
            return ConnectionError("reset")

    class RetryState:
        attempt_number, idle_for, outcome = 2, 0.5, Outcome()

    h.on_chain_end({}, run_id=rid())  # unknown runs (started before the handler): ignored
    h.on_llm_new_token("x", run_id=rid())
    h.on_agent_action(AgentAction("t", {}, ""), run_id=rid())
    h.on_chain_start({"name": "c"}, {}, run_id=chain)
    h.on_text("thinking...", run_id=chain)
    h.on_retry(RetryState(), run_id=chain)
    h.on_custom_event("progress", {"pct": 50}, run_id=chain)
    h.on_chain_end({}, run_id=chain)
    h.on_chain_end({}, run_id=chain)  # twice: ignored
    span = spans_by_name(nbtrace.get_last_trace())["c"]
    assert [(e["name"], e["attributes"]) for e in span["events"]] == [
        ("text", {"text": "thinking..."}),
        ("retry", {"attempt": 2, "slept": 0.5, "outcome": "failed", "exception": "reset",
                   "exception_type": "ConnectionError"}),
        ("progress", {"data": {"pct": 50}})]
    assert len(nbtrace.get_collector().finished_traces()) == 1


def test_the_handler_never_raises_and_reports_once():
    h = NbtraceCallbackHandler()
    with pytest.warns(NbtraceWarning, match="on_chat_model_start"):
        h.on_chat_model_start({"name": "x"}, 5, run_id=rid())  # not a list of lists
    assert nbtrace.get_collector().active_traces() == []


def test_callback_manager_switches_and_disabling(no_internal_errors):
    h = NbtraceCallbackHandler()
    assert (h.raise_error, h.run_inline) == (False, True)
    flags = ("ignore_llm", "ignore_retry", "ignore_chain", "ignore_agent", "ignore_retriever",
             "ignore_chat_model", "ignore_custom_event")
    assert [getattr(h, f) for f in flags] == [False] * len(flags)
    h.disabled = True
    assert [getattr(h, f) for f in flags] == [True] * len(flags)
    h.on_chain_start({"name": "off"}, {}, run_id=rid())
    assert nbtrace.get_collector().active_traces() == []
    assert hash(h) == hash(h)  # LangChain merges handler lists with set()


def test_live_display_shows_langchain_runs(displayed, no_internal_errors):
    nbtrace.configure(update_interval=0)
    h = NbtraceCallbackHandler()
    chain, tool = rid(), rid()
    h.on_chain_start({"name": "live chain"}, {"q": 1}, run_id=chain)
    assert displayed[0][2] is False and displayed[0][0][MIME]["info"]["state"] == "IN_PROGRESS"
    h.on_tool_start({"name": "t"}, "x", run_id=tool, parent_run_id=chain)
    h.on_tool_end("y", run_id=tool)
    h.on_chain_end({"a": 1}, run_id=chain)
    assert [u for _, _, u in displayed][1:] == [True] * (len(displayed) - 1)
    assert displayed[-1][0][MIME] == nbtrace.get_last_trace()
    assert tree(displayed[-1][0][MIME]) == {("live chain", None), ("t", "live chain")}


def test_autolog_needs_langchain_core():
    try:
        import langchain_core  # noqa: F401
    except ImportError:
        pass
    else:  # pragma: no cover - not installable here
        pytest.skip("langchain-core is installed")
    with pytest.raises(ImportError, match="pip install langchain-core"):
        autolog()


STUB = {
    "langchain_core/__init__.py": "",
    "langchain_core/callbacks/__init__.py": textwrap.dedent("""
        class BaseCallbackHandler:  # the switches LangChain's real base class has
            raise_error = False
            run_inline = False
            @property
            def ignore_chain(self):
                return False
        """),
    "langchain_core/tracers/__init__.py": "",
    "langchain_core/tracers/context.py": textwrap.dedent("""
        _configure_hooks = []
        def register_configure_hook(context_var, inheritable, handle_class=None, env_var=None):
            _configure_hooks.append((context_var, inheritable, handle_class, env_var))
        """),
}

STUB_SCRIPT = textwrap.dedent("""
    import threading
    from langchain_core.callbacks import BaseCallbackHandler
    from langchain_core.tracers.context import _configure_hooks
    from nbtrace.langchain import NbtraceCallbackHandler, autolog

    assert issubclass(NbtraceCallbackHandler, BaseCallbackHandler)
    h = autolog()
    assert autolog() is h and len(_configure_hooks) == 1  # registered once
    var, inheritable, handle_class, env_var = _configure_hooks[0]
    assert inheritable is True and handle_class is NbtraceCallbackHandler and env_var is None
    seen = []
    t = threading.Thread(target=lambda: seen.append(var.get()))  # a fresh context
    t.start(); t.join()
    assert var.get() is h and seen == [h]
    assert h.run_inline is True and h.ignore_chain is False
    assert autolog(disable=True) is h and h.ignore_chain is True and len(_configure_hooks) == 1
    print("ok")
    """)


def test_with_langchain_core_the_handler_subclasses_it_and_autolog_registers_a_hook(tmp_path):
    """A stub langchain_core (the real one cannot be installed here) checks the wiring only."""
    for name, text in STUB.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    python_dir = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", STUB_SCRIPT], capture_output=True, text=True,
                            timeout=60, env={"PYTHONPATH": f"{tmp_path}:{python_dir}",
                                             "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_thread_contexts_do_not_leak_current_spans():
    """Runs in pool threads reset what they set: a reused thread starts clean."""
    h = NbtraceCallbackHandler()
    seen = []

    def job(i):
        seen.append(nbtrace.get_current_span())
        run = rid()
        h.on_chain_start({"name": f"j{i}"}, {}, run_id=run)
        h.on_chain_end({}, run_id=run)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(job, range(10)))
    assert seen == [None] * 10
    assert threading.active_count() >= 1


KERNEL_CELLS = [
    """\
import uuid, nbtrace
from nbtrace.client import Client
from nbtrace.langchain import NbtraceCallbackHandler
h = NbtraceCallbackHandler()
client = Client()
root = client.start_trace("client-root")
client.end_span(root.trace_id, client.start_span("step", root.trace_id, root.span_id).span_id)
client.end_trace(root.trace_id, outputs="done")
""",
    # a run that never ends in its cell (an unconsumed chain.stream()) + an open client trace
    """\
h.on_chain_start({"name": "streaming chain"}, {}, run_id=uuid.uuid4())
open_root = client.start_trace("left-open")
""",
    # the next cell starts clean: its spans are not children of the ended run
    """\
print(repr(nbtrace.get_current_span()))
with nbtrace.start_span("next cell"):
    h.on_chain_start({"name": "inner"}, {}, run_id=(r := uuid.uuid4()))
    h.on_chain_end({}, run_id=r)
""",
]


def test_in_a_kernel_runs_and_client_traces_display_and_end_with_their_cell(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    import json
    import os

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in KERNEL_CELLS]
    env = kernel_env()
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120, allow_errors=True,
                            shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(tmp_path)}}).execute(env=env)

    def shown(cell):
        docs = []
        for o in cell.outputs:
            assert o["output_type"] != "error", o.get("evalue")
            if o["output_type"] == "display_data":
                doc = o["data"][MIME]
                docs.append(json.loads(doc) if isinstance(doc, str) else doc)
        return docs

    (client_doc,) = shown(nb.cells[0])
    assert client_doc["info"]["state"] == "OK" and tree(client_doc) == {
        ("client-root", None), ("step", "client-root")}
    ended = {d["info"]["tags"]["mlflow.traceName"]: d for d in shown(nb.cells[1])}
    assert set(ended) == {"streaming chain", "left-open"}
    for doc in ended.values():
        assert doc["info"]["state"] == "ERROR"
        assert doc["data"]["spans"][0]["status"]["message"].startswith("the cell finished")
    (next_doc,) = shown(nb.cells[2])
    assert tree(next_doc) == {("next cell", None), ("inner", "next cell")}
    assert next_doc["info"]["state"] == "OK"
    text = "".join(o.get("text", "") for o in nb.cells[2].outputs if o["output_type"] == "stream")
    assert text.strip() == "None"


def test_while_tracing_is_off_runs_record_nothing(no_internal_errors):
    collector = nbtrace.TraceCollector()
    if not hasattr(collector, "enabled"):  # pragma: no cover - older core without disable()
        pytest.skip("this nbtrace core cannot turn tracing off")
    h = NbtraceCallbackHandler(collector=collector)
    collector.enabled = False
    chain, tool = rid(), rid()
    h.on_chain_start({"name": "c"}, {}, run_id=chain)
    h.on_tool_start({"name": "t"}, "x", run_id=tool, parent_run_id=chain)
    assert nbtrace.get_current_span() is None
    h.on_tool_end("y", run_id=tool)
    h.on_chain_end({}, run_id=chain)
    assert collector.finished_traces() == [] and collector.active_traces() == []
    assert h._runs == {}
