"""A traced exception is recorded and re-raised unchanged."""
import asyncio
import traceback

import pytest
from conftest import spans_by_name

import nbtrace


class CustomError(Exception):
    pass


ERROR = CustomError("the tool exploded")


@nbtrace.trace(span_type="TOOL")
def explode():
    raise ERROR


@nbtrace.trace
def caller():
    try:
        explode()
    except CustomError:
        return "recovered"


def test_error_status_event_and_same_exception_object():
    with pytest.raises(CustomError) as info:
        explode()
    assert info.value is ERROR
    frames = [f.name for f in traceback.extract_tb(info.value.__traceback__)]
    assert frames[-1] == "explode"  # the original raising frame is still there
    assert info.value.__cause__ is None and info.value.__context__ is None

    trace = nbtrace.get_last_trace()
    span = trace["data"]["spans"][0]
    assert trace["info"]["state"] == "ERROR"
    assert span["status"] == {"code": "STATUS_CODE_ERROR", "message": "CustomError: the tool exploded"}
    (event,) = span["events"]
    assert event["name"] == "exception"
    assert event["time_unix_nano"] > 1e18
    attrs = event["attributes"]
    assert attrs["exception.type"] == "CustomError"
    assert attrs["exception.message"] == "the tool exploded"
    stack = attrs["exception.stacktrace"]
    assert stack.startswith("Traceback (most recent call last):")
    assert "raise ERROR" in stack and "in explode" in stack
    assert stack.rstrip().endswith("CustomError: the tool exploded")
    assert "mlflow.spanOutputs" not in span["attributes"]


def test_caught_child_error_does_not_fail_the_trace():
    assert caller() == "recovered"
    trace = nbtrace.get_last_trace()
    spans = spans_by_name(trace)
    assert trace["info"]["state"] == "OK"
    assert spans["caller"]["status"]["code"] == "STATUS_CODE_OK"
    assert spans["explode"]["status"]["code"] == "STATUS_CODE_ERROR"
    assert spans["explode"]["parent_span_id"] == spans["caller"]["span_id"]


def test_exception_through_start_span_block_is_recorded_and_propagates():
    err = ValueError("bad value")
    with pytest.raises(ValueError) as info:
        with nbtrace.start_span("block"):
            raise err
    assert info.value is err
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    assert span["status"]["message"] == "ValueError: bad value"
    assert span["events"][0]["attributes"]["exception.type"] == "ValueError"
    assert nbtrace.get_current_span() is None


def test_async_exception_same_object():
    err = TimeoutError("slow")

    @nbtrace.trace
    async def slow():
        await asyncio.sleep(0)
        raise err

    async def main():
        with pytest.raises(TimeoutError) as info:
            await slow()
        return info.value

    assert asyncio.run(main()) is err
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    assert span["status"]["message"] == "TimeoutError: slow"
    assert nbtrace.get_current_span() is None


def test_base_exception_like_keyboard_interrupt_is_recorded_and_reraised():
    @nbtrace.trace
    def interrupted():
        raise KeyboardInterrupt()

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    assert span["status"]["message"] == "KeyboardInterrupt: interrupted while this span was running"


def test_stop_iteration_is_not_an_error():
    @nbtrace.trace
    def nxt(it):
        return next(it)

    with pytest.raises(StopIteration):
        nxt(iter([]))
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    assert span["status"]["code"] == "STATUS_CODE_OK"
    assert span["events"] == []


def test_record_exception_and_set_status_by_hand():
    with nbtrace.start_span("manual") as span:
        try:
            {}["missing"]
        except KeyError as exc:
            span.record_exception(exc)
    trace = nbtrace.get_last_trace()
    s = trace["data"]["spans"][0]
    assert s["status"] == {"code": "STATUS_CODE_ERROR", "message": "KeyError: 'missing'"}
    assert "KeyError" in s["events"][0]["attributes"]["exception.stacktrace"]
    assert trace["info"]["state"] == "ERROR"


def test_exception_with_broken_str_still_reraised():
    class Weird(Exception):
        def __str__(self):
            raise RuntimeError("no str for you")

    @nbtrace.trace
    def weird():
        raise Weird()

    with pytest.raises(Weird):
        weird()
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    assert span["status"]["code"] == "STATUS_CODE_ERROR"
    assert span["status"]["message"].startswith("Weird: ")
