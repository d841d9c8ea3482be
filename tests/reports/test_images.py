"""kaleido's browser: started on the first image, closed by images.stop() and at exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import plotly.graph_objects as go

from reports import images
from tests import processes

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n"


def figure() -> go.Figure:
    return go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))


def test_stop_closes_the_browser_and_the_next_image_starts_another() -> None:
    assert images.png(figure(), 200, 100, scale=1).startswith(PNG)
    first = processes.browsers()
    assert first, "kaleido renders in a Chromium child of this process"
    images.stop()
    assert processes.survivors(first) == {}
    images.stop()  # stopping twice is harmless
    assert images.png(figure(), 200, 100, scale=1).startswith(PNG)
    second = processes.browsers()
    assert second and not second & first
    images.stop()
    assert processes.survivors(second) == {}


def test_a_process_that_exits_without_stopping_leaves_no_browser_and_no_traceback() -> None:
    # What the app does: render, never call stop(), exit (atexit closes the browser).
    script = (
        "import os, plotly.graph_objects as go\n"
        "from reports import images\n"
        "from tests import processes\n"
        "images.png(go.Figure(go.Bar(x=[1], y=[1])), 200, 100, scale=1)\n"
        "print(' '.join(map(str, processes.browsers())))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    started = {int(p) for p in done.stdout.split()}
    assert started, "the child rendered with a Chromium of its own"
    assert processes.survivors(started) == {}
    assert done.stderr == ""
