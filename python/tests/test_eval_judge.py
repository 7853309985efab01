"""The LLM judge against nbtrace's fake server (scripted verdicts, real OpenAI and
Anthropic clients on 127.0.0.1): prompts, verdict parsing, the judge's own
trace kept with the score, guideline mode, errors as score errors."""
import json

import anthropic
import openai
import pytest

import nbtrace
from nbtrace import scorers
from nbtrace._eval.judge import parse_verdict, render

ROWS = [{"inputs": {"question": "capital of France?"}, "expectations": {"expected_response": "Paris"}},
        {"inputs": {"question": "capital of Peru?"}, "expectations": {"expected_response": "Lima"}}]


def answer(question):
    return "Paris" if "France" in question else "Cusco"


@pytest.fixture
def oa(server):
    server.clear()
    return openai.OpenAI(base_url=server.openai_base_url, api_key="test", max_retries=0)


def test_verdicts_are_read_from_json_or_a_leading_word():
    assert parse_verdict('{"result": "yes", "rationale": "matches"}', False) == ("yes", "matches")
    assert parse_verdict('Sure! ```{"result": "NO", "rationale": "wrong city"}```', False) == ("no", "wrong city")
    assert parse_verdict("Yes. It says Paris.", False) == ("yes", "It says Paris.")
    assert parse_verdict('{"result": "4", "rationale": "good"}', True) == (4.0, "good")
    with pytest.raises(ValueError, match="no verdict"):
        parse_verdict("I cannot tell.", False)


def test_templates_fill_placeholders_and_add_what_is_missing():
    text = render("Is {{ outputs }} right for {{inputs}}?", {"q": "x"}, "Paris", {"expected_response": "Paris"}, None)
    assert text.startswith('Is Paris right for {\n "q": "x"\n}?')
    assert "## expectations" in text and "## inputs" not in text


def test_openai_judge_scores_and_keeps_its_trace(server, oa):
    nbtrace.configure(display=False)
    server.enqueue(text='{"result": "yes", "rationale": "It names Paris."}')
    server.enqueue(text='{"result": "no", "rationale": "Cusco is not the capital of Peru."}')
    judge = scorers.judge("Is the answer {{ outputs }} correct for {{ inputs }}? Expected: {{ expectations }}",
                          model="gpt-4o-mini", client=oa, name="correct")
    result = nbtrace.evaluate(ROWS, answer, [judge])
    first, second = (r["scores"]["correct"] for r in result.rows)
    assert (first["value"], first["rationale"]) == ("yes", "It names Paris.")
    assert (second["value"], second["rationale"]) == ("no", "Cusco is not the capital of Peru.")
    assert first["source"] == "LLM_JUDGE" and result.metrics["correct/pass_rate"] == 0.5
    spans = first["trace"]["data"]["spans"]
    assert [s["name"] for s in spans] == ["judge:correct", "chat"]
    assert json.loads(spans[1]["attributes"]["mlflow.spanType"]) == "CHAT_MODEL"
    assert "gen_ai" not in json.dumps(spans[0]["attributes"])  # (our span, MLflow attributes)
    assert first["trace"]["info"]["trace_id"] != result.rows[0]["trace_id"]  # its own trace
    prompts = [r["json"]["messages"][1]["content"] for r in server.requests[-2:]]
    assert "Is the answer Paris correct for" in prompts[0] and '"expected_response": "Paris"' in prompts[0]
    (assessment,) = result.rows[1]["trace"]["info"]["assessments"]
    assert assessment["source"]["source_type"] == "LLM_JUDGE" and assessment["feedback"]["value"] == "no"
    # MLflow's assessment metadata: the run, the judge's own trace, the judge call's tokens.
    meta = assessment["metadata"]
    assert meta["mlflow.assessment.sourceRunId"] == result.id
    assert meta["mlflow.assessment.scorerTraceId"] == result.rows[1]["scores"]["correct"]["trace"]["info"]["trace_id"]
    assert isinstance(meta["mlflow.assessment.judgeInputTokens"], int) and meta["mlflow.assessment.judgeOutputTokens"] >= 0


def test_guideline_mode_from_the_records_and_anthropic(server):
    nbtrace.configure(display=False)
    client = anthropic.Anthropic(base_url=server.anthropic_base_url, api_key="test", max_retries=0)
    server.enqueue(text='{"result": "yes", "rationale": "short and in French"}')
    rows = [{"inputs": {"question": "capital?"}, "expectations": {"guidelines": ["answer in French", "one word"]}}]
    result = nbtrace.evaluate(rows, lambda question: "Paris", [scorers.judge(model="claude-x", client=client)])
    score = result.rows[0]["scores"]["judge"]
    assert score["value"] == "yes" and score["rationale"] == "short and in French"
    prompt = server.requests[-1]["json"]["messages"][0]["content"]
    assert "1. answer in French\n2. one word" in prompt and "Paris" in prompt


def test_a_failing_judge_is_an_error_score_with_its_trace(server, oa):
    nbtrace.configure(display=False)
    server.enqueue(error=429)
    result = nbtrace.evaluate(ROWS[:1], answer, [scorers.judge("ok? {{ outputs }}", model="m", client=oa)])
    score = result.rows[0]["scores"]["judge"]
    assert score["value"] is None and score["error"].startswith("RateLimitError")
    assert score["trace"]["info"]["state"] == "ERROR"
    assert result.rows[0]["status"] == "done"  # the row itself is fine


def test_with_openai_autolog_the_call_is_traced_once(server, oa):
    import nbtrace.openai as nbopenai

    nbtrace.configure(display=False)
    nbopenai.autolog()
    try:
        server.enqueue(text='{"result": "yes", "rationale": "fine"}')
        result = nbtrace.evaluate(ROWS[:1], answer, [scorers.judge("ok? {{ outputs }}", model="m", client=oa)])
    finally:
        nbopenai.autolog(disable=True)
    spans = result.rows[0]["scores"]["judge"]["trace"]["data"]["spans"]
    assert len(spans) == 2 and spans[0]["name"] == "judge:judge"  # autolog's span, not ours as well
