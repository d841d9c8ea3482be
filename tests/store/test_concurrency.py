"""Two real processes on one store, driven step by step over pipes: no sleeps, no timing.

DuckDB lets only one process hold the file; the store package coordinates every open with
file locks. A writer process and a reader process each obey one command at a time
("write 3", "read", "hold", "release") and answer on stdout, and this process writes as
the app's forms do. The order of every step is fixed by the test, so:

* reads and writes interleave exactly as scripted, and each read sees every committed
  write before it (counts are known, not merely increasing);
* a reader that meets a writer holding the store waits for it — proven by a lock-state
  probe inside the reader (it reports the moment it first finds the lock held) and by the
  test's own non-blocking probe of the lock — and then reads the committed rows, with no
  error;
* no write is lost, by the writer process or by this one.
"""

from __future__ import annotations

import fcntl
import json
import select
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

import store
from ingest import writer
from store import locks
from tests.conftest import PROVENANCE

ROOT = Path(__file__).resolve().parents[2]
# Only a guard against a hung child: no step depends on how long anything takes.
HANG_GUARD_S = 120

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    import store
    from ingest import writer

    def row(i):
        return {"recognition_id": f"ingest-{i}", "login": "ana", "behaviour": "quality_catch",
                "format": "standup_verbal", "recognized_on": datetime(2026, 5, 1).date(),
                "source": "github", "fetched_at": datetime.now(UTC)}

    path = sys.argv[1]
    for line in sys.stdin:
        parts = line.split()
        command, arg = parts[0], parts[1] if len(parts) > 1 else ""
        if command == "write":
            with store.write_transaction(path) as conn:
                writer.upsert(conn, "recognitions", [row(arg)])
                writer.set_sync_state(conn, source="github", scope="o/r", stream="prs",
                                      status="running", cursor=arg)
            print("wrote", arg, flush=True)
        elif command == "hold":  # a write that stays open until told to commit
            with store.write_transaction(path) as conn:
                writer.upsert(conn, "recognitions", [row(arg)])
                print("holding", arg, flush=True)
                assert sys.stdin.readline().strip() == "release"
            print("released", arg, flush=True)
        elif command == "quit":
            break
    """
)

READER = textwrap.dedent(
    """
    import json, sys, time
    import store
    from store import locks

    class Probe:
        # the lock module's clock, reporting the first time a lock it wants is held
        monotonic = staticmethod(time.monotonic)
        waited = False

        @classmethod
        def sleep(cls, seconds):
            if not cls.waited:
                cls.waited = True
                print(json.dumps({"waiting": True}), flush=True)
            time.sleep(seconds)

    locks.time = Probe
    path = sys.argv[1]
    for line in sys.stdin:
        if line.strip() == "quit":
            break
        Probe.waited = False
        try:
            with store.read_connection(path) as conn:
                found = conn.execute(
                    "select (select count(*) from recognitions),"
                    " (select count(*) from competency_assessments)"
                ).fetchall()[0]
            print(json.dumps({"recognitions": found[0], "assessments": found[1],
                              "waited": Probe.waited}), flush=True)
        except Exception as exc:  # the point of the test: nothing may land here
            print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
    """
)


class Child:
    """A python process obeying one command a line on stdin, answering on stdout."""

    def __init__(self, code: str, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def answer(self) -> str:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], HANG_GUARD_S)
        if not ready:
            self.proc.kill()
            pytest.fail(
                f"child hung; stderr:\n{self.proc.stderr.read() if self.proc.stderr else ''}"
            )
        line = self.proc.stdout.readline()
        assert line, f"child died: {self.proc.stderr.read() if self.proc.stderr else ''}"
        return line.strip()

    def ask(self, line: str) -> str:
        self.send(line)
        return self.answer()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.send("quit")
            self.proc.communicate(timeout=HANG_GUARD_S)
        assert self.proc.returncode == 0, self.proc.stderr


@pytest.fixture
def shared_store(tmp_path: Path) -> Iterator[tuple[Path, Child, Child]]:
    path = tmp_path / "shared.duckdb"
    with store.write_transaction(path) as conn:
        writer.upsert(conn, "people", [{"login": "ana", "name": "Ana"}], PROVENANCE)
    ingest, reader = Child(WRITER, str(path)), Child(READER, str(path))
    yield path, ingest, reader
    ingest.close()
    reader.close()


def app_save(path: Path, i: int) -> None:
    """What the Competencies form does: one assessment, one short locked write."""
    with store.write_transaction(path) as conn:
        writer.upsert(
            conn,
            "competency_assessments",
            [
                {
                    "assessment_id": f"app-{i}",
                    "login": "ana",
                    "competency": "ai_output_evaluation",
                    "level": 2,
                    "assessed_on": date(2026, 5, 2),
                    "assessor": "lead",
                    "assessor_role": "manager",
                }
            ],
            {**PROVENANCE, "source": "app"},
        )


def read(reader: Child) -> dict:
    report = json.loads(reader.ask("read"))
    assert "error" not in report, report["error"]
    return report


def is_held_exclusively(path: Path) -> bool:
    """This process's probe: can a shared lock be had on ``<db>.lock`` right now?"""
    lock, _ = locks.lock_paths(path)
    with lock.open("rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def test_reads_and_writes_interleave_as_scripted(shared_store) -> None:
    path, ingest, reader = shared_store
    n = 25
    for i in range(n):
        assert ingest.ask(f"write {i}") == f"wrote {i}"
        # the read right after the ingest's i-th commit sees exactly i + 1 of its rows
        assert read(reader)["recognitions"] == i + 1
        app_save(path, i)
        seen = read(reader)
        assert (seen["recognitions"], seen["assessments"]) == (i + 1, i + 1)
        assert not seen["waited"], "nobody held the store: the read did not wait"
    with store.read_connection(path) as conn:
        cursor = conn.execute("select cursor from sync_state").fetchall()
    assert cursor == [(str(n - 1),)]


def test_a_reader_waits_for_a_writer_then_sees_its_rows(shared_store) -> None:
    path, ingest, reader = shared_store
    assert ingest.ask("write 0") == "wrote 0"
    assert read(reader)["recognitions"] == 1
    assert ingest.ask("hold 1") == "holding 1"  # inside its transaction, row 1 not committed
    assert is_held_exclusively(path)
    reader.send("read")
    # the reader's own probe: it found the store held and is waiting, not failing
    assert json.loads(reader.answer()) == {"waiting": True}
    assert is_held_exclusively(path), "the writer still holds the store while the reader waits"
    ingest.send("release")
    assert ingest.answer() == "released 1"
    report = json.loads(reader.answer())
    assert "error" not in report, report
    assert report == {"recognitions": 2, "assessments": 0, "waited": True}
    assert not is_held_exclusively(path)


def test_no_write_is_lost_between_the_processes(shared_store) -> None:
    path, ingest, reader = shared_store
    for i in range(10):
        assert ingest.ask(f"write {i}") == f"wrote {i}"
        app_save(path, i)
    assert ingest.ask("hold 10") == "holding 10"
    ingest.send("release")
    assert ingest.answer() == "released 10"
    seen = read(reader)
    assert (seen["recognitions"], seen["assessments"]) == (11, 10)
