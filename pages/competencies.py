"""Page: the team's competency matrix and the framework's indicators; record an assessment
or a recognition. People are listed alphabetically, never ranked."""

from datetime import datetime

import streamlit as st

import ui
import ui_access
import ui_forms
from framework import FrameworkError, framework
from metrics import access
from metrics import competency as mc
from reports import competency_view as view
from reports import figures, tables

f = ui.page("Competencies", icon="🧭")
try:
    fw = framework()
except FrameworkError as error:
    st.error(str(error))
    st.stop()
names = {c.id: c.name for c in fw.competencies}


@st.cache_data(show_spinner=False, max_entries=8)
def load(
    db: str, version: tuple[int, int], as_of: datetime, teams: tuple[str, ...]
) -> mc.CompetencyPage:
    return mc.competency_page(db, as_of, teams)


day = f.as_of.date()
if access.may_see_team_matrix(f.viewer):  # the matrix and tables list people
    data = load(str(f.db), f.data_version, f.as_of, f.teams)
    matrix = data.matrix
    since = mc.quarter_before(day)
    st.caption(view.scope_caption(f.teams, day))

    # --- the matrix -----------------------------------------------------------------------
    st.subheader("Matrix")
    if matrix.empty:
        st.info(
            "No people in this selection yet. Import them with `teamlens import people FILE.csv`."
        )
    elif view.nobody_assessed(matrix):
        st.info(
            "Nobody here has been assessed yet. Record an assessment below, or import them with "
            "`teamlens import assessments FILE.csv`."
        )
    if not matrix.empty:
        shown = st.radio(
            "Show",
            ["Current level", f"Change since {since:%d %b %Y}"],
            horizontal=True,
            key="cm_view",
        )
        pages = view.people_pages(matrix.index)  # a few dozen people a heatmap, alphabetical
        part = pages[0]
        if len(pages) > 1:
            part = st.selectbox("People", pages, format_func=lambda p: p.label, key="cm_page")
        if shown == "Current level":
            heat = figures.level_matrix(part.rows(matrix), fw)
        else:
            heat = figures.change_matrix(part.rows(data.change_matrix), fw)
        ui.chart(heat)
        for caption in (view.page_caption(part, len(pages)), view.matrix_caption(fw)):
            if caption:
                st.caption(caption)
        for note in view.phase_notes(data.phases, fw, day):
            st.caption(note)
        st.markdown(view.person_links(part.rows(matrix).index, ui.filter_query()))
        waiting = view.waiting_note(data.phases, fw)
        if waiting:
            st.info(waiting)

    # --- distribution, with the indicators beside each level ------------------------------
    st.subheader("Levels and what they look like")
    chosen = st.selectbox(
        "Competency", fw.competency_ids, format_func=lambda c: names[c], key="cm_competency"
    )
    competency = fw.competency(chosen)
    dist = data.distribution
    dist = dist[dist["competency"] == chosen]
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{competency.name}** — {competency.definition}")
        for line in view.level_lines(competency, dist, fw):
            st.markdown(line)
    with right:
        ui.chart(figures.people_at_levels(dist))

    # --- change since last quarter --------------------------------------------------------
    st.subheader("Change since last quarter")
    changes = data.changes
    if view.nobody_compared(changes):
        st.info("No levels to compare yet.")
    else:
        st.dataframe(tables.change_table(changes, since), hide_index=True, width="stretch")
        st.caption(
            f"Levels now against the levels in force a quarter ago ({since:%d %b %Y}). "
            "'First assessed': people with no level for that competency back then."
        )
else:
    st.info(
        "The team's matrix lists people: it is for their managers. Record your "
        "self-assessment below; your levels are on your Person page."
    )

# --- forms ----------------------------------------------------------------------------
st.subheader("Record")
flash = st.session_state.pop(ui_forms.SAVED_KEY, None)
if flash:
    st.success(flash)
everyone = ui_access.everyone(f)  # the forms offer only whom this viewer may write for
recognises = bool(ui_forms.writable(f.viewer, everyone, recognition=True))
tabs = st.tabs(["An assessment", "A recognition"] if recognises else ["A self-assessment"])
with tabs[0]:
    ui_forms.assessment_form(f.db, fw, day, f.viewer, everyone)
if recognises:
    with tabs[1]:
        ui_forms.recognition_form(f.db, fw, day, f.viewer, everyone)

with st.expander("The framework behind this page"):
    for line in view.framework_lines(fw):
        st.markdown(line)
