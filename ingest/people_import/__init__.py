"""Ingest layer: people, teams, assessments and recognitions from CSV files and the app's forms.

Computes no metric. Every import is all-or-nothing: the file is read, every row is checked
against the framework (``framework``) and the store inside one locked
:func:`store.write_transaction`, and if any row is bad the whole file is refused
with every bad row listed (row number, field, value, what was expected) and nothing is
written. Assessments and recognitions are keyed by a hash of their natural key, so
re-importing a file is idempotent; the app's forms write through the same checks.

Row numbers are a spreadsheet's: the header is row 1, the first data row is row 2.

One module per responsibility; this package re-exports their public names:

* :mod:`~ingest.people_import.rows` — reading and checking rows, the refusal error;
* :mod:`~ingest.people_import.people` — the people and teams files;
* :mod:`~ingest.people_import.history` — the assessments and recognitions files;
* :mod:`~ingest.people_import.forms` — the app's forms;
* :mod:`~ingest.people_import.access` — the access file and the audit trail;
* :mod:`~ingest.people_import.uploads` — a CSV uploaded in the app (tracker defects too).
"""

from collections.abc import Callable

from ingest.bad_rows import BadRow, RowsRefusedError
from ingest.people_import.access import (
    ACCESS,
    AUDIT_ACTIONS,
    ROLES,
    import_access,
    record_audit,
)
from ingest.people_import.forms import record_assessment, record_recognition
from ingest.people_import.history import import_assessments, import_recognitions
from ingest.people_import.people import import_people, import_teams
from ingest.people_import.rows import (
    ASSESSMENTS,
    MAX_TEXT,
    OPEN_START,
    PEOPLE,
    RECOGNITIONS,
    TEAMS,
    ImportRefusedError,
    ImportResult,
    stable_id,
    utc_today,
)
from ingest.people_import.uploads import UPLOADS, UploadResult, import_upload

# The file importers by the kind `teamlens import KIND FILE` names.
IMPORTERS: dict[str, Callable[..., ImportResult]] = {
    "people": import_people,
    "teams": import_teams,
    "assessments": import_assessments,
    "recognitions": import_recognitions,
    "access": import_access,
}

__all__ = [
    "ACCESS",
    "ASSESSMENTS",
    "AUDIT_ACTIONS",
    "IMPORTERS",
    "MAX_TEXT",
    "OPEN_START",
    "PEOPLE",
    "RECOGNITIONS",
    "ROLES",
    "TEAMS",
    "UPLOADS",
    "BadRow",
    "ImportRefusedError",
    "ImportResult",
    "RowsRefusedError",
    "UploadResult",
    "import_access",
    "import_assessments",
    "import_people",
    "import_recognitions",
    "import_teams",
    "import_upload",
    "record_assessment",
    "record_audit",
    "record_recognition",
    "stable_id",
    "utc_today",
]
