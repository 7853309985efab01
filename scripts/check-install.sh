#!/usr/bin/env bash
# Checks that nbtrace is installed in .venv as a prebuilt extension that JupyterLab
# and Notebook 7 (same labextensions path, same list) report as "enabled OK".
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv
listing=$("$venv/bin/jupyter" labextension list 2>&1 | sed 's/\x1b\[[0-9;]*m//g')
line=$(grep -E '^[[:space:]]*nbtrace v[^ ]+ enabled[[:space:]]+OK \(python, nbtrace\)' <<<"$listing" || true)
if [ -z "$line" ]; then
  printf '%s\n' "$listing" >&2
  echo "ERROR: 'jupyter labextension list' does not show nbtrace as enabled OK (python, nbtrace)" >&2
  exit 1
fi
if [ ! -f "$venv/share/jupyter/labextensions/nbtrace/install.json" ]; then
  echo "ERROR: $venv/share/jupyter/labextensions/nbtrace/install.json is missing" >&2
  exit 1
fi
echo "installed:${line}"
