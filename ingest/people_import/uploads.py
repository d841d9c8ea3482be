"""Ingest layer: a CSV file uploaded in the app, imported by the very importers of the CLI.

People, teams, assessments, recognitions or a tracker's defects: the upload is saved to a
private temporary folder under its own file name (so every message names the file the
user chose) and handed to the same function `teamlens import KIND FILE` calls — the same
checks, the same all-or-nothing refusal listing every bad row. Computes no metric.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ingest import defects_csv
from ingest.people_import.access import import_access
from ingest.people_import.history import import_assessments, import_recognitions
from ingest.people_import.people import import_people, import_teams
from settings import InputError
from store import DbPath

# What the app offers to upload, in the order it lists them: kind -> (label, columns).
UPLOADS: dict[str, tuple[str, str]] = {
    "people": ("People", "login, name, team, level, started_on"),
    "teams": ("Teams", "team, ai_adoption_date, repos"),
    "assessments": (
        "Competency assessments",
        "login, competency, level, assessed_on, assessor, evidence",
    ),
    "recognitions": ("Recognitions", "login, behaviour, format, recognized_on, note, pr_url"),
    "defects": ("Tracker defects", "a Jira, Linear or GitHub issues CSV export"),
    "access": ("Access (replaces the whole list)", "email, role, login, teams"),
}
MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # Streamlit's own default upload limit


@dataclass(frozen=True)
class UploadResult:
    kind: str
    file: str
    rows: int
    summary: str  # one line saying what was imported (and, for defects, what was skipped)


def _file_name(name: str) -> str:
    """The uploaded file's own name, reduced to a safe base name (never a path)."""
    base = re.sub(r"[^\w.\- ]", "_", Path(name.replace("\\", "/")).name).strip(" .")
    return base or "upload.csv"


def import_upload(kind: str, name: str, content: bytes, db: DbPath = None) -> UploadResult:
    """Import an uploaded CSV of ``kind`` (a key of :data:`UPLOADS`) into ``db``.

    Raises:
        KeyError: an unknown kind (a bug of the caller, not of the file).
        settings.InputError: the file is refused — not CSV text, a bad header, or bad rows
            (:class:`ingest.bad_rows.RowsRefusedError`, every bad row listed); nothing is
            written.
    """
    if kind not in UPLOADS:
        raise KeyError(kind)
    file_name = _file_name(name)
    with tempfile.TemporaryDirectory(prefix="teamlens-upload-") as folder:
        path = Path(folder) / file_name
        path.write_bytes(content)
        try:
            if kind == "defects":
                result = defects_csv.import_defects(path, db)
                summary = _without(str(result["summary"]), folder)
                return UploadResult(kind, file_name, int(result["rows"]), summary)
            importer = {
                "people": import_people,
                "teams": import_teams,
                "assessments": import_assessments,
                "recognitions": import_recognitions,
                "access": import_access,
            }[kind]
            done = importer(path, db)
        except InputError as error:
            # the messages name the file the user chose, not the temporary folder
            error.args = tuple(_without(str(arg), folder) for arg in error.args)
            if hasattr(error, "source"):
                error.source = file_name
            raise
    noun = {"access": "accounts"}.get(kind, kind)
    if done.rows == 1:
        noun = {"people": "person", "access": "account"}.get(kind, kind.rstrip("s"))
    return UploadResult(kind, file_name, done.rows, f"imported {done.rows} {noun} from {file_name}")


def _without(text: str, folder: str) -> str:
    return text.replace(f"{folder}/", "")
