"""Reports layer: plotly figures to PNG offline, for the PDF and PPTX exports.

kaleido 1.x drives the local Chromium (/usr/bin/chromium); with MathJax off it needs no
network. One sync server (one browser) is started per process, on first use, and the
``CHOREO_PROXY_SERVER`` guard keeps the browser from reaching outside hosts. :func:`stop`
closes that browser; it runs at interpreter exit, and the tests call it at the end of
their session, so neither the app nor a test run leaves a Chromium behind.
"""

from __future__ import annotations

import atexit
import os
import threading
import warnings

import plotly.graph_objects as go

_lock = threading.Lock()
_started = False
_registered = False


def _start() -> None:
    global _started, _registered
    with _lock:
        if _started:
            return
        os.environ.setdefault("CHOREO_PROXY_SERVER", "http://127.0.0.1:9")
        import kaleido

        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        _started = True
        if not _registered:
            # Registered after kaleido's own exit hook, so it runs first (atexit is LIFO)
            # and the browser is closed while the interpreter is still whole.
            atexit.register(stop)
            _registered = True


def stop() -> None:
    """Close kaleido's browser if this process started one (the next image starts another)."""
    global _started
    with _lock:
        if not _started:
            return
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)
        _started = False


def png(fig: go.Figure, width: int, height: int, scale: float = 2.0) -> bytes:
    """The figure as PNG bytes, ``width`` x ``height`` CSS pixels times ``scale``."""
    _start()
    with warnings.catch_warnings():
        # plotly warns that its own kaleido options are ignored when a server runs
        warnings.simplefilter("ignore", UserWarning)
        return fig.to_image(format="png", width=width, height=height, scale=scale)
