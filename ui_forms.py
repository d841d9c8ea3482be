"""Streamlit forms of the Competencies page: record an assessment or a recognition.

Each form saves through ``ingest.people_import``'s app-form functions (one locked write,
the same checks as the file importers), shows every refused field inline, and on success
leaves a one-line confirmation for the page to show after its rerun. No SQL here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import streamlit as st

from framework import Framework
from ingest import people_import
from reports.competency_view import later_than_as_of

SAVED_KEY = "cm_saved"  # the confirmation shown once after a save


def _show_problems(error: people_import.ImportRefusedError) -> None:
    for problem in error.problems:
        st.error(f"**{problem.field}** — {problem.value!r}: expected {problem.expected}")


def assessment_form(db: Path, fw: Framework, logins: list[str], day: date) -> None:
    """The assessment form; ``day`` is the page's as-of day (a later date is explained)."""
    names = {c.id: c.name for c in fw.competencies}
    today = datetime.now(UTC).date()
    with st.form("assessment_form"):
        who = st.selectbox(
            "Person", logins, index=None, placeholder="Choose a login", key="as_person"
        )
        what = st.selectbox(
            "Competency", fw.competency_ids, format_func=lambda c: names[c], key="as_competency"
        )
        level = st.selectbox("Level", fw.level_numbers, format_func=fw.level_name, key="as_level")
        on = st.date_input("Assessed on", value=today, max_value=today, key="as_on")
        role = st.radio("Assessed by", ["manager", "self"], horizontal=True, key="as_role")
        assessor = st.text_input("Assessor login (a manager's assessment)", key="as_assessor")
        evidence = st.text_input("Evidence (a link or a short note)", key="as_evidence")
        if not st.form_submit_button("Save assessment"):
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
    st.session_state[SAVED_KEY] = (
        f"Saved: {who}, {names[what]}, {fw.level_name(level)} on {on:%d %b %Y}."
        + later_than_as_of(on, day)
    )
    st.rerun()


def recognition_form(db: Path, fw: Framework, logins: list[str], day: date) -> None:
    """The recognition form; ``day`` is the page's as-of day (a later date is explained)."""
    today = datetime.now(UTC).date()
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
        on = st.date_input("Recognized on", value=today, max_value=today, key="rc_on")
        note = st.text_input("Note", key="rc_note")
        pr_url = st.text_input("Pull request link (optional)", key="rc_pr_url")
        if not st.form_submit_button("Save recognition"):
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
    st.session_state[SAVED_KEY] = (
        f"Saved: {fw.behaviour(behaviour).name} for {who} on {on:%d %b %Y}."
        + later_than_as_of(on, day)
    )
    st.rerun()
