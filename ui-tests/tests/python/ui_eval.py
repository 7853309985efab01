# The evaluation UI test's cells (run from files: galata types cell sources key by key).
# Rows take ~0.35 s each so the results table is seen filling while the cell runs.
import time

import eval_agent
import nbtrace
from nbtrace import scorers

golden = eval_agent.golden()
checks = [scorers.contains(), scorers.no_errors()]


def v1_slow(question):
    time.sleep(0.35)
    return eval_agent.answer(question, "v1")


def v2_fast(question):
    return eval_agent.answer(question, "v2")
