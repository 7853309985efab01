"""Jupyter server configuration for the galata tests (never use it for real work:
it turns off the token and XSRF protection).

`jlpm start` runs `jupyter lab --config jupyter_server_test_config.py`; the
Playwright webServer puts the project's .venv/bin first on PATH, so this is the
JupyterLab with nbtrace pip-installed into it.
"""

import os
from tempfile import mkdtemp

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821  (c is injected by the config loader)

c.ServerApp.port = int(os.environ.get("NBTRACE_UI_PORT", "8899"))  # noqa: F821
c.ServerApp.allow_root = True  # noqa: F821
# Notebooks the tests create live in a throwaway folder (galata gives each test a
# subfolder of it); set JUPYTERLAB_GALATA_ROOT_DIR to look at them afterwards.
c.ServerApp.root_dir = os.environ.get("JUPYTERLAB_GALATA_ROOT_DIR") or mkdtemp(  # noqa: F821
    prefix="nbtrace-ui-tests-"
)
# No news feed or update check: this machine (and CI) is offline.
c.LabApp.news_url = None  # noqa: F821
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"  # noqa: F821
