# A loop of 30 traced agent runs (for list.spec.ts): durations, errors and token
# counts known in advance; prints what the trace list must show.
import statistics, time
import nbtrace

def run(i):
    with nbtrace.start_span(f"question-{i:02d}", span_type="AGENT") as root:
        root.set_inputs({"q": f"question {i}"})
        with nbtrace.start_span("chat", span_type="CHAT_MODEL") as chat:
            big = i % 4 == 0
            chat.set_attributes({"mlflow.llm.model": "gpt-4o" if i % 2 else "claude-sonnet-4-5",
                                 "mlflow.chat.tokenUsage": {"input_tokens": 1400 if big else 80,
                                                            "output_tokens": 20, "total_tokens": 1420 if big else 100}})
            time.sleep((2 + 3 * (i % 10)) / 1000)
        if i % 7 == 3:
            raise RuntimeError(f"tool failed on {i}")
        root.set_outputs("ok")

for i in range(30):
    try:
        run(i)
    except RuntimeError:
        pass
docs = nbtrace.last_traces(30)
root = lambda d: d["data"]["spans"][0]
ms = sorted((root(d)["end_time_unix_nano"] - root(d)["start_time_unix_nano"]) / 1e6 for d in docs)
print("P50", statistics.quantiles(ms, n=2, method="inclusive")[0])
print("EXPECT", sum(1 for i in range(30) if i % 7 == 3 or i % 4 == 0))
