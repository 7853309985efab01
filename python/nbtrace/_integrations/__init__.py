"""Private helpers of the public integrations (``nbtrace.openai``,
``nbtrace.anthropic``, ``nbtrace.langchain``, ``nbtrace.otel``, ``nbtrace.fake_llm``):
the shared autolog wrapping, the OpenTelemetry bridge, LangChain conversion and
the fake server's response shapes."""
