"""Streamlit forms: record an assessment or a recognition (Competencies), upload a CSV
file (Data sources).

Each form saves through ``ingest.people_import``'s public functions (one locked write,
the same checks as the file importers), shows every refused field inline in a form's
words (the field's label, never a CSV column's name), and on success leaves a one-line
confirmation for the page to show after its rerun. An upload goes through the very
importers of `teamlens import`, all or nothing. Untrusted text is shown as text (see
ui.py). No SQL here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import streamlit as st

import ui
from framework import Framework
from ingest import people_import
from metrics import access
from reports.competency_view import later_than_as_of
from settings import InputError

SAVED_KEY = "cm_saved"  # the confirmation shown once after a save
UPLOADED_KEY = "ds_uploaded"  # likewise, after an upload

# The forms' labels of the fields the checks name by their CSV column.
FIELD_LABELS = {
    "login": "Person",
    "competency": "Competency",
    "level": "Level",
    "assessed_on": "Assessed on",
    "assessor_role": "Assessed by",
    "assessor": "Assessor login",
    "evidence": "Evidence",
    "behaviour": "Behaviour",
    "format": "Format",
    "recognized_on": "Recognized on",
    "note": "Note",
    "pr_url": "Pull request link",
}
# The checks' expectations, in a form's words where a file's words would puzzle.
_FORM_WORDS = (
    (" (this column is required)", ""),
    ("a login already in people (import people first)", "a person already in the people list"),
    (" (YYYY-MM-DD)", ""),
)


def problem_sentence(problem: people_import.BadRow) -> str:
    """One refused form field in the form's words: 'Person: choose one.'"""
    label = FIELD_LABELS.get(problem.field, problem.field.replace("_", " ").capitalize())
    if not problem.value and problem.expected.startswith("a value"):
        return f"{label}: required — fill it in or choose one."
    expected = problem.expected
    for file_words, form_words in _FORM_WORDS:
        expected = expected.replace(file_words, form_words)
    shown = f"“{problem.value}” is not accepted" if problem.value else "missing"
    return f"{label}: {shown}; expected {expected}."


def row_sentence(problem: people_import.BadRow) -> str:
    """One refused row of an uploaded file: 'Row 3, column login: “zed” — expected …'."""
    where = f"Row {problem.row}, column {problem.field}" if problem.row else problem.field
    value = f"“{problem.value}”" if problem.value else "empty"
    return f"{where}: {value} — expected {problem.expected}."


def _show_problems(error: people_import.ImportRefusedError) -> None:
    for problem in error.problems:
        st.error(ui.safe(problem_sentence(problem)))


REFUSED_WRITE = "Not saved: your account may not record this for that person."


def writable(viewer: access.Viewer, roster: dict[str, str | None], recognition: bool) -> list[str]:
    """The people the viewer may record an assessment (or a recognition) for."""
    if recognition:
        return [p for p in roster if access.may_write_recognition_for(viewer, p, roster)]
    return [p for p in roster if access.assessor_roles(viewer, p, roster)]


def assessment_form(
    db: Path, fw: Framework, day: date, viewer: access.Viewer, roster: dict[str, str | None]
) -> None:
    """The assessment form, offering only the people (and assessor roles) the viewer may
    write for, and checking again at the write; ``day`` is the page's as-of day."""
    logins = writable(viewer, roster, recognition=False)
    roles = sorted({r for p in logins for r in access.assessor_roles(viewer, p, roster)})
    names = {c.id: c.name for c in fw.competencies}
    today = datetime.now(UTC).date()
    default = min(today, day)  # a later default would vanish from the page once saved
    with st.form("assessment_form"):
        who = st.selectbox(
            "Person", logins, index=None, placeholder="Choose a login", key="as_person"
        )
        what = st.selectbox(
            "Competency", fw.competency_ids, format_func=lambda c: names[c], key="as_competency"
        )
        level = st.selectbox("Level", fw.level_numbers, format_func=fw.level_name, key="as_level")
        on = st.date_input("Assessed on", value=default, max_value=today, key="as_on")
        role = st.radio("Assessed by", roles, horizontal=True, key="as_role")
        if viewer.is_admin:
            assessor = st.text_input("Assessor login (a manager's assessment)", key="as_assessor")
        else:  # the signed-in manager is the assessor
            assessor = viewer.login or viewer.email
        evidence = st.text_input("Evidence (a link or a short note)", key="as_evidence")
        if not st.form_submit_button("Save assessment"):
            return
        if who and not access.may_write_assessment_for(viewer, who, roster, role):
            st.error(REFUSED_WRITE)  # checked where the write happens, not only by the list
            return
        try:
            people_import.record_assessment(
                db,
                login=who or "",
                competency=what,
                level=level,
                assessed_on=on,
                assessor_role=role,
                assessor=assessor,
                evidence=evidence,
            )
        except people_import.ImportRefusedError as error:
            _show_problems(error)
            return
        people_import.record_audit(
            db, email=viewer.email, action="assessment saved", subject=f"{who} {what} {on}"
        )
    st.session_state[SAVED_KEY] = ui.safe(
        f"Saved: {who}, {names[what]}, {fw.level_name(level)} on {on:%d %b %Y}."
        + later_than_as_of(on, day)
    )
    st.rerun()


def recognition_form(
    db: Path, fw: Framework, day: date, viewer: access.Viewer, roster: dict[str, str | None]
) -> None:
    """The recognition form, for the people the viewer may recognise (checked again at
    the write); ``day`` is the page's as-of day (a later date is explained)."""
    logins = writable(viewer, roster, recognition=True)
    today = datetime.now(UTC).date()
    default = min(today, day)
    with st.form("recognition_form"):
        who = st.selectbox(
            "Person", logins, index=None, placeholder="Choose a login", key="rc_person"
        )
        behaviour = st.selectbox(
            "Behaviour",
            [b.id for b in fw.behaviours],
            format_func=lambda b: fw.behaviour(b).name,
            key="rc_behaviour",
        )
        fmt = st.selectbox(
            "Format",
            [x.id for x in fw.formats],
            format_func=lambda x: f"{fw.format(x).name} ({fw.format(x).frequency.lower()})",
            key="rc_format",
        )
        on = st.date_input("Recognized on", value=default, max_value=today, key="rc_on")
        note = st.text_input("Note", key="rc_note")
        pr_url = st.text_input("Pull request link (optional)", key="rc_pr_url")
        if not st.form_submit_button("Save recognition"):
            return
        if who and not access.may_write_recognition_for(viewer, who, roster):
            st.error(REFUSED_WRITE)
            return
        try:
            people_import.record_recognition(
                db,
                login=who or "",
                behaviour=behaviour,
                format=fmt,
                recognized_on=on,
                note=note,
                pr_url=pr_url,
            )
        except people_import.ImportRefusedError as error:
            _show_problems(error)
            return
        people_import.record_audit(
            db, email=viewer.email, action="recognition saved", subject=f"{who} {behaviour} {on}"
        )
    st.session_state[SAVED_KEY] = ui.safe(
        f"Saved: {fw.behaviour(behaviour).name} for {who} on {on:%d %b %Y}."
        + later_than_as_of(on, day)
    )
    st.rerun()


def upload_form(db: Path) -> None:
    """Upload a CSV file and import it, all or nothing, as `teamlens import` would."""
    kinds = list(people_import.UPLOADS)
    with st.form("upload_form"):
        kind = st.selectbox(
            "The file holds",
            kinds,
            format_func=lambda k: f"{people_import.UPLOADS[k][0]} ({people_import.UPLOADS[k][1]})",
            key="ds_kind",
        )
        upload = st.file_uploader("CSV file", type=["csv", "tsv", "txt"], key="ds_file")
        if not st.form_submit_button("Import the file"):
            return
    if upload is None:
        st.error("Choose a file to import first.")
        return
    try:
        result = people_import.import_upload(kind, upload.name, upload.getvalue(), db)
    except people_import.RowsRefusedError as error:
        count = len({p.row for p in error.problems}) + error.unlisted_rows
        ui.text(f"{upload.name} was not imported: nothing was written. Bad rows: {count}.")
        for problem in error.problems:
            st.error(ui.safe(row_sentence(problem)))
        if error.unlisted_rows:
            ui.text(f"…and {error.unlisted_rows} more bad rows not listed.")
        return
    except InputError as error:
        st.error(ui.safe(f"{upload.name} was not imported: {error}"))
        return
    st.session_state[UPLOADED_KEY] = ui.safe(f"Done: {result.summary}.")
    st.rerun()
