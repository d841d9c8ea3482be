"""Test helper: the processes a test started, read from /proc (Linux), to prove none survive."""

from __future__ import annotations

import os
import time
from pathlib import Path


def children(pid: int) -> set[int]:
    """The live descendants of ``pid`` (children, their children, ...)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                kids = {int(k) for k in (task / "children").read_text().split()}
            except OSError:
                continue
            todo.extend(kids - found)
            found |= kids
    return {p for p in found if is_alive(p)}


def command(pid: int) -> str:
    """The command line of ``pid`` ('' once it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def is_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie, finished but not yet reaped, does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def survivors(pids: set[int], timeout_s: float = 10.0) -> dict[int, str]:
    """Those of ``pids`` still running after ``timeout_s`` seconds, with their commands."""
    deadline = time.monotonic() + timeout_s
    while True:
        alive = {p: command(p) for p in pids if is_alive(p)}
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def browsers(pid: int | None = None) -> set[int]:
    """The Chromium processes under ``pid`` (this process by default)."""
    return {p for p in children(pid or os.getpid()) if "chrom" in command(p).lower()}
