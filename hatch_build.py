"""Hatchling build hook: make sure the prebuilt JupyterLab extension is in the build.

If ``python/nbtrace/labextension/package.json`` is missing, run ``jlpm install`` and
``jlpm build:prod`` (``jlpm`` comes from the ``jupyter-builder`` build requirement).
Afterwards the bundle must exist, or the build fails: a wheel must never ship
silently without its JavaScript.

The Makefile builds the bundle itself (and rebuilds it when sources change) before
``pip install .``; this hook is the safety net for a bare ``pip install .`` /
``python -m build`` from a checkout. Building from the sdist needs no Node.js: the
sdist carries the built bundle.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LABEXTENSION = Path("python", "nbtrace", "labextension")
# The standalone viewer for nbtrace.to_html / "Export Trace as HTML" (jlpm build:standalone,
# part of build:prod): in the package, and beside the lab extension's static files.
STANDALONE = (Path("python", "nbtrace", "static", "nbtrace-standalone.js"),
              Path("python", "nbtrace", "static", "nbtrace-standalone.template.html"),
              LABEXTENSION / "static" / "nbtrace-standalone.js")


def _jlpm() -> list[str]:
    """The jlpm command: on PATH (pip's build env puts its scripts there), else via Python."""
    found = shutil.which("jlpm")
    if found:
        return [found]
    beside = Path(sys.executable).with_name("jlpm")
    if beside.exists():
        return [str(beside)]
    return [sys.executable, "-c", "import sys; from jupyter_builder.jlpm import main; sys.exit(main())"]


class CustomBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        root = Path(self.root)
        marker = root / LABEXTENSION / "package.json"
        if not marker.exists():
            self.app.display_info(f"[nbtrace] {marker} missing: building the lab extension")
            self._build_js(root)
        elif not all((root / p).is_file() for p in STANDALONE):
            self.app.display_info("[nbtrace] the standalone viewer is missing: building it")
            self._build_js(root, ["build:standalone"])
        self._check(root)

    def _build_js(self, root: Path, script: list | None = None) -> None:
        if shutil.which("node") is None:
            raise RuntimeError(
                "[nbtrace] the lab extension is not built and Node.js is not on PATH: "
                "install Node.js >= 18 and retry, or build it first with `jlpm build:prod`."
            )
        # Let the build find a jlpm/jupyter-builder installed beside this Python.
        env = dict(os.environ)
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        jlpm = _jlpm()
        for args in ([script] if script else (["install"], ["build:prod"])):
            self.app.display_info(f"[nbtrace] running: jlpm {' '.join(args)}")
            result = subprocess.run([*jlpm, *args], cwd=root, env=env)
            if result.returncode != 0:
                raise RuntimeError(f"[nbtrace] `jlpm {' '.join(args)}` failed (exit {result.returncode})")

    def _check(self, root: Path) -> None:
        ext = root / LABEXTENSION
        static = ext / "static"
        has_entry = static.is_dir() and any(static.glob("remoteEntry.*.js"))
        if not (ext / "package.json").is_file() or not has_entry:
            raise RuntimeError(
                f"[nbtrace] the built lab extension is absent or incomplete at {ext} "
                "(need package.json and static/remoteEntry.*.js). Refusing to build a "
                "package without its JavaScript; run `jlpm build:prod` and look at its errors."
            )
        missing = [str(p) for p in STANDALONE if not (root / p).is_file()]
        if missing:
            raise RuntimeError(f"[nbtrace] the standalone viewer is missing ({', '.join(missing)}); "
                               "run `jlpm build:standalone` and look at its errors.")
