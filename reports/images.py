"""Reports layer: plotly figures to PNG offline, for the PDF and PPTX exports.

kaleido 1.x drives the local Chromium (/usr/bin/chromium); with MathJax off it needs no
network. One sync server is started per process, on first use, and the
``CHOREO_PROXY_SERVER`` guard keeps the browser from reaching outside hosts.
"""

from __future__ import annotations

import os
import threading
import warnings

import plotly.graph_objects as go

_lock = threading.Lock()
_started = False


def _start() -> None:
    global _started
    with _lock:
        if _started:
            return
        os.environ.setdefault("CHOREO_PROXY_SERVER", "http://127.0.0.1:9")
        import kaleido

        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        _started = True


def png(fig: go.Figure, width: int, height: int, scale: float = 2.0) -> bytes:
    """The figure as PNG bytes, ``width`` x ``height`` CSS pixels times ``scale``."""
    _start()
    with warnings.catch_warnings():
        # plotly warns that its own kaleido options are ignored when a server runs
        warnings.simplefilter("ignore", UserWarning)
        return fig.to_image(format="png", width=width, height=height, scale=scale)
