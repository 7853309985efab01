# A small traced agent for the UI tests: nested spans, one failing tool call
# (caught by the agent), token usage. Run in the kernel with exec().
import time

import nbtrace


@nbtrace.trace(span_type="RETRIEVER")
def retrieve(query):
    time.sleep(0.02)
    return [{"id": "doc-1", "text": "Paris is sunny today.", "score": 0.91}]


@nbtrace.trace(span_type="TOOL")
def weather(city):
    time.sleep(0.01)
    if city == "Atlantis":
        raise LookupError("no weather for Atlantis")
    return {"city": city, "sky": "sunny"}


@nbtrace.trace(span_type="LLM")
def llm(prompt):
    time.sleep(0.03)
    nbtrace.get_current_span().set_token_usage(input_tokens=42, output_tokens=7)
    return "It is sunny in Paris."


@nbtrace.trace(name="agent", span_type="AGENT")
def agent(question):
    docs = retrieve(question)
    for city in ("Paris", "Atlantis"):
        try:
            weather(city)
        except LookupError:
            pass
    return llm(question + " " + docs[0]["text"])


agent("What is the weather in Paris?")
