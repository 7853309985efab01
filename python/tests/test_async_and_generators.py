"""asyncio / threads parenting, generators and async generators."""
import asyncio
import contextvars
import threading

import pytest
from conftest import attr, spans_by_name

import nbtrace


@nbtrace.trace(span_type="TOOL")
async def fetch(i, delay):
    await asyncio.sleep(delay)
    return {"i": i}


@nbtrace.trace(span_type="AGENT")
async def fan_out():
    results = await asyncio.gather(fetch(1, 0.02), fetch(2, 0.01), fetch(3, 0.0))
    return [r["i"] for r in results]


def test_async_function_and_gather_parenting():
    assert asyncio.run(fan_out()) == [1, 2, 3]
    trace = nbtrace.get_last_trace()
    spans = trace["data"]["spans"]
    root = spans[0]
    assert root["name"] == "fan_out"
    children = [s for s in spans if s["name"] == "fetch"]
    assert len(children) == 3
    assert all(c["parent_span_id"] == root["span_id"] for c in children)
    assert sorted(attr(c, "mlflow.spanOutputs")["i"] for c in children) == [1, 2, 3]
    assert all(c["end_time_unix_nano"] <= root["end_time_unix_nano"] for c in children)
    slow = next(c for c in children if attr(c, "mlflow.spanInputs")["i"] == 1)
    assert slow["end_time_unix_nano"] - slow["start_time_unix_nano"] >= 15_000_000


def test_concurrent_root_tasks_are_separate_traces():
    async def main():
        await asyncio.gather(fetch(1, 0.01), fetch(2, 0.01))

    asyncio.run(main())
    traces = nbtrace.get_collector().finished_traces()
    assert len(traces) == 2
    assert traces[0].request_id != traces[1].request_id


def test_async_span_context_manager_and_current_span():
    async def worker(name):
        with nbtrace.start_span(name):
            await asyncio.sleep(0.001)
            return nbtrace.get_current_span().name

    async def main():
        with nbtrace.start_span("main") as main_span:
            names = await asyncio.gather(worker("a"), worker("b"))
            assert nbtrace.get_current_span() is main_span
            return names

    assert asyncio.run(main()) == ["a", "b"]
    spans = spans_by_name(nbtrace.get_last_trace())
    assert spans["a"]["parent_span_id"] == spans["main"]["span_id"]
    assert spans["b"]["parent_span_id"] == spans["main"]["span_id"]


def test_thread_with_copied_context_nests_and_plain_thread_does_not():
    @nbtrace.trace
    def work():
        return threading.get_ident()

    with nbtrace.start_span("threads"):
        ctx = contextvars.copy_context()
        t = threading.Thread(target=ctx.run, args=(work,))
        t.start()
        t.join()
    spans = spans_by_name(nbtrace.get_last_trace())
    assert spans["work"]["parent_span_id"] == spans["threads"]["span_id"]

    with nbtrace.start_span("outer"):
        t = threading.Thread(target=work)
        t.start()
        t.join()
    # A plain thread starts with an empty context: its span is a separate trace.
    names = [[s.name for s in rec.spans] for rec in nbtrace.get_collector().finished_traces()]
    assert ["work"] in names and ["outer"] in names


def test_many_threads_one_trace_thread_safe():
    @nbtrace.trace
    def job(i):
        with nbtrace.start_span(f"step-{i}") as s:
            s.set_attribute("i", i)
        return i

    with nbtrace.start_span("pool"):
        threads = []
        for i in range(20):
            ctx = contextvars.copy_context()
            threads.append(threading.Thread(target=ctx.run, args=(job, i)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    spans = nbtrace.get_last_trace()["data"]["spans"]
    assert len(spans) == 1 + 20 * 2
    by_id = {s["span_id"]: s for s in spans}
    for s in spans:
        if s["name"].startswith("step-"):
            assert by_id[s["parent_span_id"]]["name"] == "job"


# ---------------------------------------------------------------- generators
@nbtrace.trace(span_type="RETRIEVER")
def stream(n):
    for i in range(n):
        with nbtrace.start_span(f"produce-{i}"):
            pass
        yield f"chunk-{i}"
    return "done"


def test_generator_span_covers_iteration_and_records_items():
    consumer_spans_parent = []
    with nbtrace.start_span("consumer") as consumer:
        gen = stream(3)
        assert nbtrace.get_last_trace() is None
        items = []
        for item in gen:
            items.append(item)
            # While the consumer runs between items, the generator span is NOT current.
            assert nbtrace.get_current_span() is consumer
            with nbtrace.start_span(f"use-{item}"):
                consumer_spans_parent.append(nbtrace.get_current_span().parent_id)
    assert items == ["chunk-0", "chunk-1", "chunk-2"]
    spans = spans_by_name(nbtrace.get_last_trace())
    g = spans["stream"]
    assert g["parent_span_id"] == spans["consumer"]["span_id"]
    assert attr(g, "mlflow.spanOutputs") == items
    assert attr(g, "mlflow.spanInputs") == {"n": 3}
    # spans created inside the generator body nest under it ...
    assert spans["produce-2"]["parent_span_id"] == g["span_id"]
    # ... the consumer's spans do not
    assert spans["use-chunk-1"]["parent_span_id"] == spans["consumer"]["span_id"]
    # the generator span lasts until the iteration is over
    assert g["end_time_unix_nano"] >= spans["use-chunk-1"]["end_time_unix_nano"]


def test_generator_return_value_send_and_wraps():
    import inspect
    assert inspect.isgeneratorfunction(stream)

    @nbtrace.trace
    def echo():
        received = []
        while len(received) < 2:
            received.append((yield len(received)))
        return received

    gen = echo()
    assert next(gen) == 0
    assert gen.send("a") == 1
    with pytest.raises(StopIteration) as stop:
        gen.send("b")
    assert stop.value.value == ["a", "b"]
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    assert span["status"]["code"] == "STATUS_CODE_OK"
    assert attr(span, "mlflow.spanOutputs") == [0, 1]


def test_generator_closed_early_is_not_an_error():
    gen = stream(10)
    assert next(gen) == "chunk-0"
    gen.close()
    span = spans_by_name(nbtrace.get_last_trace())["stream"]
    assert span["status"]["code"] == "STATUS_CODE_OK"
    assert span["end_time_unix_nano"] is not None
    assert attr(span, "mlflow.spanOutputs") == ["chunk-0"]
    assert span["events"] == []


def test_generator_error_mid_iteration():
    @nbtrace.trace
    def broken():
        yield 1
        raise KeyError("gone")

    gen = broken()
    assert next(gen) == 1
    with pytest.raises(KeyError):
        next(gen)
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    assert span["status"] == {"code": "STATUS_CODE_ERROR", "message": "KeyError: 'gone'"}
    assert attr(span, "mlflow.spanOutputs") == [1]


def test_generator_throw_is_handled_by_inner_generator():
    @nbtrace.trace
    def resilient():
        try:
            yield 1
        except ValueError:
            yield "recovered"

    gen = resilient()
    next(gen)
    assert gen.throw(ValueError("x")) == "recovered"
    with pytest.raises(StopIteration):
        next(gen)
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    assert span["status"]["code"] == "STATUS_CODE_OK"
    assert attr(span, "mlflow.spanOutputs") == [1, "recovered"]


def test_generator_outputs_are_bounded():
    from nbtrace._record import decorator as _decorator

    @nbtrace.trace
    def many():
        yield from range(_decorator.MAX_GENERATOR_ITEMS + 5)

    assert sum(1 for _ in many()) == _decorator.MAX_GENERATOR_ITEMS + 5
    outputs = attr(nbtrace.get_last_trace()["data"]["spans"][0], "mlflow.spanOutputs")
    assert len(outputs) == _decorator.MAX_GENERATOR_ITEMS + 1
    assert outputs[-1] == "…[5 more items not recorded]"


@nbtrace.trace(span_type="LLM")
async def astream(words):
    for w in words:
        await asyncio.sleep(0.001)
        with nbtrace.start_span(f"token-{w}"):
            pass
        yield w


def test_async_generator_span_and_parenting():
    import inspect
    assert inspect.isasyncgenfunction(astream)

    async def main():
        with nbtrace.start_span("reader") as reader:
            out = []
            async for w in astream(["a", "b"]):
                assert nbtrace.get_current_span() is reader
                out.append(w)
            return out

    assert asyncio.run(main()) == ["a", "b"]
    spans = spans_by_name(nbtrace.get_last_trace())
    g = spans["astream"]
    assert g["parent_span_id"] == spans["reader"]["span_id"]
    assert spans["token-b"]["parent_span_id"] == g["span_id"]
    assert attr(g, "mlflow.spanOutputs") == ["a", "b"]
    assert attr(g, "mlflow.spanType") == "LLM"
    assert g["status"]["code"] == "STATUS_CODE_OK"


def test_async_generator_error_and_early_close():
    @nbtrace.trace
    async def failing():
        yield 1
        raise RuntimeError("stream broke")

    async def main():
        agen = failing()
        assert await agen.__anext__() == 1
        with pytest.raises(RuntimeError, match="stream broke"):
            await agen.__anext__()
        early = astream(["x", "y", "z"])
        assert await early.__anext__() == "x"
        await early.aclose()

    asyncio.run(main())
    traces = [nbtrace.trace_to_dict(t) for t in nbtrace.get_collector().finished_traces()]
    failing_span = traces[0]["data"]["spans"][0]
    assert failing_span["status"]["message"] == "RuntimeError: stream broke"
    early_span = traces[1]["data"]["spans"][0]
    assert early_span["status"]["code"] == "STATUS_CODE_OK"
    assert attr(early_span, "mlflow.spanOutputs") == ["x"]


# ---------------------------------------------------------------- executors, wrap_context
def test_thread_pool_submit_with_copied_context_nests():
    from concurrent.futures import ThreadPoolExecutor

    @nbtrace.trace(span_type="TOOL")
    def fetch_page(i):
        with nbtrace.start_span(f"parse-{i}"):
            return threading.get_ident()

    with nbtrace.start_span("crawl"):
        with ThreadPoolExecutor(max_workers=4) as pool:
            # one fresh context copy per submitted call (a Context can't be entered twice at once)
            futures = [pool.submit(contextvars.copy_context().run, fetch_page, i) for i in range(8)]
            idents = {f.result() for f in futures}
    assert threading.get_ident() not in idents
    spans = nbtrace.get_last_trace()["data"]["spans"]
    by_id = {s["span_id"]: s for s in spans}
    assert len(spans) == 1 + 8 * 2
    assert all(by_id[s["parent_span_id"]]["name"] == "crawl" for s in spans if s["name"] == "fetch_page")
    assert all(by_id[s["parent_span_id"]]["name"] == "fetch_page"
               for s in spans if s["name"].startswith("parse-"))
    assert len(nbtrace.get_collector().finished_traces()) == 1


def test_wrap_context_for_executors_and_threads():
    from concurrent.futures import ThreadPoolExecutor

    @nbtrace.trace
    def work(i):
        return nbtrace.get_current_span().parent_id

    with nbtrace.start_span("fan-out") as root:
        job = nbtrace.wrap_context(work)
        assert job.__name__ == "work"
        with ThreadPoolExecutor(max_workers=8) as pool:
            parents = list(pool.map(job, range(16)))  # the same wrapper, concurrently
        t = threading.Thread(target=nbtrace.wrap_context(work), args=(99,))
        t.start()
        t.join()
    assert parents == [root.span_id] * 16
    spans = nbtrace.get_last_trace()["data"]["spans"]
    assert len(spans) == 18 and nbtrace.get_current_span() is None


def test_plain_executor_submit_without_context_starts_new_traces():
    from concurrent.futures import ThreadPoolExecutor

    @nbtrace.trace
    def orphan():
        return 1

    with nbtrace.start_span("outer"):
        with ThreadPoolExecutor(max_workers=2) as pool:
            pool.submit(orphan).result()
    names = sorted(t.name for t in nbtrace.get_collector().finished_traces())
    assert names == ["orphan", "outer"]


def test_gather_of_nested_tasks_and_to_thread():
    @nbtrace.trace(span_type="TOOL")
    def blocking(i):
        return i

    @nbtrace.trace(span_type="CHAIN")
    async def branch(i):
        await asyncio.sleep(0.001 * i)
        inner = await asyncio.gather(asyncio.to_thread(blocking, i),
                                     asyncio.create_task(leaf(i)))
        return inner

    @nbtrace.trace
    async def leaf(i):
        await asyncio.sleep(0)
        return i

    @nbtrace.trace(span_type="AGENT")
    async def root():
        return await asyncio.gather(*(branch(i) for i in range(3)))

    assert asyncio.run(root()) == [[0, 0], [1, 1], [2, 2]]
    spans = nbtrace.get_last_trace()["data"]["spans"]
    by_id = {s["span_id"]: s for s in spans}
    parent_of = {(s["name"], attr(s, "mlflow.spanInputs").get("i")): by_id[s["parent_span_id"]]
                 for s in spans if s["parent_span_id"]}
    for i in range(3):
        assert parent_of[("branch", i)]["name"] == "root"
        for child in ("blocking", "leaf"):
            parent = parent_of[(child, i)]
            assert parent["name"] == "branch" and attr(parent, "mlflow.spanInputs") == {"i": i}
    assert len(nbtrace.get_collector().finished_traces()) == 1
