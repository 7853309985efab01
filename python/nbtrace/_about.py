"""``__version__``, in a leaf module any layer may import (never the package root)."""
from __future__ import annotations

try:
    from ._version import __version__  # written by the hatchling version hook at build time
except ImportError:  # a source tree that was never built
    try:
        from importlib.metadata import version as _pkg_version

        __version__ = _pkg_version("nbtrace")
    except Exception:
        __version__ = "0.1.0"
