#!/usr/bin/env bash
# Runs every test suite — jest, pytest, the galata/Playwright UI tests — each one
# even when an earlier one failed, then prints the summed closing line
# "N passed, N failed" (scripts/summarize.py) and exits non-zero on any failure.
#
# Expects what `make test` prepares first: .venv with nbtrace installed, node_modules,
# ui-tests/node_modules, /usr/bin/chromium. Run it through `make test`.
# Extra arguments per runner: JEST_ARGS, PYTEST_ARGS, PW_ARGS (word-split), e.g.
#   make test PW_ARGS='-g smoke'
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/.venv/bin:$PATH" PIP_RETRIES=0 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

results=$root/test-results
mkdir -p "$results"
jest_json=$results/jest.json
pytest_xml=$results/pytest.xml
pw_json=$results/playwright.json
rm -f "$jest_json" "$pytest_xml" "$pw_json"

banner() { printf '\n=== %s ===\n' "$*"; }
# timeout: a hung runner must end as a failure, well inside CI's budget.
run() { timeout --kill-after=30s "$@"; }

banner "jest"
# shellcheck disable=SC2086
run 15m jlpm jest --json --outputFile="$jest_json" --passWithNoTests ${JEST_ARGS:-}
jest_rc=$?

banner "pytest (python/tests)"
if [ -d python/tests ]; then
  # shellcheck disable=SC2086
  run 20m python -m pytest python/tests --junitxml="$pytest_xml" -p no:cacheprovider ${PYTEST_ARGS:-}
  pytest_rc=$?
else
  echo "python/tests does not exist: no Python tests"
  pytest_rc=5
fi

banner "ui-tests (Playwright + galata, $(command -v chromium || echo 'no chromium'))"
# shellcheck disable=SC2086
(cd ui-tests && NBTRACE_PW_JSON="$pw_json" run 30m jlpm playwright test ${PW_ARGS:-})
pw_rc=$?

python3 scripts/summarize.py \
  --jest "$jest_json" "$jest_rc" \
  --pytest "$pytest_xml" "$pytest_rc" \
  --playwright "$pw_json" "$pw_rc"
