"""Two real processes on one store: a writer looping over transactions, a reader looping
over queries, and an app-style write (a form save) from this process in the middle.

DuckDB lets only one process hold the file; the store package coordinates every open with file
locks. Nothing may surface to the reader as an error, and no write may be lost.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import store
from ingest import writer
from tests.conftest import PROVENANCE

ROOT = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    import store
    from ingest import writer
    path, n = sys.argv[1], int(sys.argv[2])
    for i in range(n):
        with store.write_transaction(path) as conn:
            writer.upsert(conn, "recognitions", [{
                "recognition_id": f"ingest-{i}", "login": "ana", "behaviour": "quality_catch",
                "format": "standup_verbal", "recognized_on": datetime(2026, 5, 1).date(),
                "source": "github", "fetched_at": datetime.now(UTC)}])
            writer.set_sync_state(conn, source="github", scope="o/r", stream="pull_requests",
                                  status="running", cursor=str(i))
    print("writer done", flush=True)
    """
)

READER = textwrap.dedent(
    """
    import json, os, sys
    import store
    path, stop = sys.argv[1], sys.argv[2]
    errors, counts = [], []
    while not os.path.exists(stop) or len(counts) < 10:
        try:
            with store.read_connection(path) as conn:
                counts.append(conn.execute(
                    "select count(*) from recognitions r join people p using (login)"
                ).fetchall()[0][0])
        except Exception as exc:  # the point of the test: nothing may land here
            errors.append(f"{type(exc).__name__}: {exc}")
    print(json.dumps({"errors": errors, "counts": counts}))
    """
)


def _spawn(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_reader_never_fails_and_no_write_is_lost(tmp_path: Path) -> None:
    path = tmp_path / "shared.duckdb"
    with store.write_transaction(path) as conn:
        writer.upsert(conn, "people", [{"login": "ana", "name": "Ana"}], PROVENANCE)

    n_ingest, n_app = 150, 10
    ingest = _spawn(WRITER, str(path), str(n_ingest))
    stop = tmp_path / "stop"
    reader = _spawn(READER, str(path), str(stop))
    time.sleep(0.5)
    for i in range(n_app):  # the app's form, saving assessments while both run
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
        time.sleep(0.05)

    _, err_ingest = ingest.communicate(timeout=120)
    stop.touch()
    out_reader, err_reader = reader.communicate(timeout=120)
    assert ingest.returncode == 0, err_ingest
    assert reader.returncode == 0, err_reader
    report = json.loads(out_reader)
    assert report["errors"] == []
    assert len(report["counts"]) >= 10
    assert report["counts"] == sorted(report["counts"]), "reads only ever see committed rows"
    assert len(set(report["counts"])) > 1, "reads and writes should have interleaved"

    with store.read_connection(path) as conn:
        ingested = conn.execute("select count(*) from recognitions").fetchall()[0][0]
        saved = conn.execute("select count(*) from competency_assessments").fetchall()[0][0]
        cursor = conn.execute("select cursor from sync_state").fetchall()
    assert ingested == n_ingest
    assert saved == n_app
    assert cursor == [(str(n_ingest - 1),)]
