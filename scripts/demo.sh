#!/usr/bin/env bash
# Starts JupyterLab (from .venv, with nbtrace pip-installed) on examples/demo.ipynb.
# Run it through `make demo`, which installs, builds and checks the install first.
# PORT=8888 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-8888}
# The server's root folder: the demo notebook and what it imports.
root=examples
[ -d "$root" ] || root=.
notebook=demo.ipynb
token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')

args=("--ServerApp.root_dir=$root" --ServerApp.ip=127.0.0.1 "--ServerApp.port=$port"
      --ServerApp.port_retries=0 --no-browser "--IdentityProvider.token=$token")
if [ "$(id -u)" = 0 ]; then
  args+=(--allow-root)
fi
if [ -f "$root/$notebook" ]; then
  target=("$root/$notebook")
  lab_url="http://127.0.0.1:$port/lab/tree/$notebook?token=$token"
  nb7_url="http://127.0.0.1:$port/notebooks/$notebook?token=$token"
else
  echo "note: $root/$notebook does not exist yet; JupyterLab opens on its launcher"
  target=()
  lab_url="http://127.0.0.1:$port/lab?token=$token"
  nb7_url="http://127.0.0.1:$port/tree?token=$token"
fi

cat <<MSG

  ============================================================================
   nbtrace demo — open in your browser:

     JupyterLab:  $lab_url
     Notebook 7:  $nb7_url

   Stop with Ctrl-C (twice).
  ============================================================================

MSG
exec .venv/bin/jupyter lab "${target[@]}" "${args[@]}"
