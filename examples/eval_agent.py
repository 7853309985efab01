"""A small offline "city facts" assistant in two versions, and a golden dataset
of 12 questions for it: the demo of ``nbtrace.evaluate``.

``answer(question, version)`` retrieves passages from an in-memory corpus and
has a fake LLM write the answer from them. Version "v2" is the "optimization"
someone might try: it keeps only the single best passage to save tokens —
cheaper, but two questions whose answer needs a second passage regress.
Small sleeps make the live results table fill visibly
(``NBTRACE_DEMO_FAST=1`` makes them 50× shorter, for tests).
"""
from __future__ import annotations

import os
import re
import time

import nbtrace

MODEL = "fake-gpt-4o-mini"
_FAST = os.environ.get("NBTRACE_DEMO_FAST") == "1"

CORPUS = [
    ("kyoto-temples", "Kyoto has over 1,600 temples; Fushimi Inari is best visited early in the morning."),
    ("kyoto-food", "Kyoto is famous for kaiseki dinners and tofu; Nishiki Market sells street food."),
    ("yen", "Japan uses the yen; many small restaurants in Kyoto accept cash only."),
    ("shinkansen", "The Shinkansen from Tokyo to Kyoto takes about 2 hours 15 minutes."),
    ("lisbon-tram", "Lisbon is hilly; tram 28 crosses the old town and the Alfama district."),
    ("lisbon-food", "Lisbon is known for pastel de nata, best in Belem."),
    ("oslo-pass", "Oslo is expensive; the Oslo Pass covers museums and public transport."),
    ("oslo-fjord", "The Oslofjord ferries leave from Aker Brygge."),
    ("rome-colosseum", "The Colosseum in Rome opens at 9; book tickets online to skip the line."),
    ("rome-water", "Rome's nasoni fountains give free drinking water all over the city."),
    ("paris-metro", "The Paris metro runs until about 1 am; line 1 is automated."),
    ("paris-museum", "The Louvre is closed on Tuesdays; the Orsay is closed on Mondays."),
]

QUESTIONS = [
    ("When is the best time to visit Fushimi Inari in Kyoto?", ["early in the morning"]),
    ("How long is the Shinkansen from Tokyo to Kyoto?", ["2 hours 15 minutes"]),
    ("Kyoto temples and kaiseki food: where should I start?", ["Fushimi Inari", "kaiseki"]),
    ("Which tram crosses the old town of Lisbon?", ["tram 28"]),
    ("Where do I find the best pastel de nata in Lisbon?", ["Belem"]),
    ("Oslo museums pass and fjord ferries: what should I know?", ["museums", "Aker Brygge"]),
    ("Where do Oslofjord ferries leave from?", ["Aker Brygge"]),
    ("When does the Colosseum in Rome open, and how do I skip the line?", ["9", "online"]),
    ("Where can I get free drinking water in Rome?", ["nasoni"]),
    ("Until when does the Paris metro run?", ["1 am"]),
    ("Which Paris museums close on Mondays and on Tuesdays, the Louvre or the Orsay?", ["Louvre", "Orsay"]),
    ("What food is Kyoto famous for, and where is street food sold?", ["kaiseki", "Nishiki Market"]),
]


def golden() -> nbtrace.Dataset:
    """The 12 questions with the facts a good answer must contain."""
    return nbtrace.Dataset([{"inputs": {"question": q}, "expectations": {"expected_facts": facts}}
                            for q, facts in QUESTIONS], name="city-facts")


def _pause(seconds: float) -> None:
    time.sleep(seconds / 50 if _FAST else seconds)


def _words(text: str) -> set:
    return set(re.findall(r"[a-z0-9]+", text.lower())) - {"the", "in", "a", "of", "and", "do", "i", "is", "what"}


@nbtrace.trace(span_type="RETRIEVER")
def retrieve(question: str, k: int) -> list:
    _pause(0.05)
    q = _words(question)
    scored = sorted(((len(q & _words(text)), doc_id, text) for doc_id, text in CORPUS), reverse=True)
    return [{"id": doc_id, "score": score, "text": text} for score, doc_id, text in scored[:k] if score > 0]


@nbtrace.trace(span_type="CHAT_MODEL", attributes={"mlflow.llm.model": MODEL})
def write_answer(question: str, passages: list) -> str:
    """The fake LLM: answers with the passages it was given (token use grows with them)."""
    _pause(0.1)
    prompt = f"Answer from these passages only.\n{question}\n" + "\n".join(p["text"] for p in passages)
    text = " ".join(p["text"] for p in passages) or "I don't know."
    nbtrace.get_current_span().set_token_usage(input_tokens=len(prompt) // 4, output_tokens=len(text) // 4)
    return text


@nbtrace.trace(span_type="AGENT")
def answer(question: str, version: str = "v1") -> str:
    """v1 reads the two best passages; v2 only the best one (cheaper)."""
    passages = retrieve(question, k=2 if version == "v1" else 1)
    return write_answer(question, passages)


def v1(question: str) -> str:
    """Version 1: two passages per answer."""
    return answer(question, "v1")


def v2(question: str) -> str:
    """Version 2: one passage per answer (fewer tokens)."""
    return answer(question, "v2")
