"""Page: the team's competency matrix and the framework's indicators; record an assessment
or a recognition. People are listed alphabetically, never ranked."""

from datetime import UTC, date, datetime

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import ui
from framework import FrameworkError, framework
from ingest import people_import
from metrics import competency as mc

f = ui.page("Competencies", icon="🧭")
try:
    fw = framework()
except FrameworkError as error:
    st.error(str(error))
    st.stop()
names = {c.id: c.name for c in fw.competencies}
LEVEL_COLORS = ["#c6dbef", "#6baed6", "#2171b5", "#08306b", "#041f45", "#020f24"]


@st.cache_data(show_spinner=False)
def load(db: str, version: tuple[int, int], as_of: datetime, teams: tuple[str, ...]) -> dict:
    return {
        "matrix": mc.level_matrix(db, as_of, teams),
        "change_matrix": mc.change_matrix(db, as_of, teams),
        "distribution": mc.level_distribution(db, as_of, teams),
        "changes": mc.change_summary(db, as_of, teams),
        "phases": mc.team_phases(db, teams, as_of=as_of),
        "people": [p.login for p in mc.people(db, as_of)],
    }


data = load(str(f.db), f.data_version, f.as_of, f.teams)
matrix: pd.DataFrame = data["matrix"]
day = f.as_of.date()
scope = ", ".join(f.teams) if f.teams else "the whole organization"
st.caption(
    f"Current levels of {scope} on {day:%d %b %Y}: each person's latest assessment per "
    "competency (a manager's counts over a self-assessment of the same day). People are "
    "listed alphabetically: levels describe growth, they are never a ranking."
)

# --- the matrix -----------------------------------------------------------------------
st.subheader("Matrix")
if matrix.empty:
    st.info("No people in this selection yet. Import them with `teamlens import people FILE.csv`.")
elif matrix.notna().sum().sum() == 0:
    st.info(
        "Nobody here has been assessed yet. Record an assessment below, or import them with "
        "`teamlens import assessments FILE.csv`."
    )
if not matrix.empty:
    since = mc.quarter_before(day)
    view = st.radio(
        "Show",
        ["Current level", f"Change since {since:%d %b %Y}"],
        horizontal=True,
        key="cm_view",
    )
    top = fw.level_numbers[-1]
    labels = [names[c] for c in matrix.columns]
    if view == "Current level":
        colors = [LEVEL_COLORS[min(i, len(LEVEL_COLORS) - 1)] for i in range(top)]
        # a stepped scale: one flat colour per level
        scale = [pair for i, c in enumerate(colors) for pair in ((i / top, c), ((i + 1) / top, c))]
        trace = go.Heatmap(
            z=matrix.values,
            text=matrix.map(lambda v: "" if pd.isna(v) else str(int(v))).values,
            zmin=0.5,
            zmax=top + 0.5,
            colorscale=scale,
            colorbar={
                "title": "Level",
                "tickvals": list(fw.level_numbers),
                "ticktext": [fw.level_name(n) for n in fw.level_numbers],
            },
            hovertemplate="%{y} · %{x}: level %{z}<extra></extra>",
        )
    else:
        change = data["change_matrix"]
        trace = go.Heatmap(
            z=change.values,
            text=change.map(lambda v: "" if pd.isna(v) else f"{int(v):+d}" if v else "0").values,
            zmin=-2,
            zmax=2,
            colorscale="RdBu",
            colorbar={"title": "Levels moved", "tickvals": [-2, -1, 0, 1, 2]},
            hovertemplate="%{y} · %{x}: %{text} since last quarter<extra></extra>",
        )
    trace.update(x=labels, y=list(matrix.index), texttemplate="%{text}", xgap=2, ygap=2)
    trace.colorbar.update(len=240, lenmode="pixels", y=1, yanchor="top")
    heat = go.Figure(trace)
    core = sum(1 for c in fw.competencies if c.group == "core")
    heat.add_vline(x=core - 0.5, line_width=3, line_color="#333333")
    heat.update_layout(
        height=max(260, 28 * len(matrix) + 160),
        yaxis={"autorange": "reversed", "title": None},
        xaxis={"side": "top", "tickangle": -30},
        margin={"t": 120, "l": 10, "r": 10, "b": 10},
    )
    st.plotly_chart(heat, width="stretch")
    st.caption(
        "Left of the dark line: the core technical competencies; right: the AI-augmented "
        "ones. Blank cells: not assessed yet (or, for change, no level last quarter). Levels: "
        + ", ".join(fw.level_name(n) for n in fw.level_numbers)
        + "."
    )
    phases = data["phases"]
    for phase, note in (
        ("transition", "in the transition dip after adopting AI tools (never a red flag)"),
        ("learning-weighted", "in the learning-weighted months: growth counts over output"),
        (
            "monthly check-ins",
            f"monthly check-ins (the first {fw.review.monthly_checkins_months} months after "
            "adoption)",
        ),
    ):
        teams_now = phases[phases["phase"] == phase]["team"].tolist()
        if teams_now:
            st.caption(f"On {day:%d %b %Y}, {', '.join(teams_now)}: {note}.")
    safe = [x for x in matrix.index if x.replace("-", "").replace("_", "").isalnum()]
    st.markdown(
        "Open a person: " + " · ".join(f"[{login}](person?person={login})" for login in safe)
    )
    waiting = phases[phases["ai_adoption_date"].isna()]["team"].tolist()
    if waiting and fw.review.ai_competencies_from_first_cycle:
        st.info(
            f"Not adopted AI tools yet: {', '.join(waiting)}. The AI-augmented competencies "
            "join their reviews from the first review cycle after adoption."
        )

# --- distribution, with the indicators beside each level ------------------------------
st.subheader("Levels and what they look like")
chosen = st.selectbox(
    "Competency", fw.competency_ids, format_func=lambda c: names[c], key="cm_competency"
)
competency = fw.competency(chosen)
dist = data["distribution"]
dist = dist[dist["competency"] == chosen]
left, right = st.columns([3, 2])
with left:
    st.markdown(f"**{competency.name}** — {competency.definition}")
    for number in fw.level_numbers:
        count = int(dist.loc[dist["level"] == number, "people"].sum())
        st.markdown(
            f"**{fw.level_name(number)}** · {count} {'person' if count == 1 else 'people'}  \n"
            f"{competency.indicator(number) or '—'}"
        )
with right:
    bars = go.Figure(
        go.Bar(
            x=dist["people"],
            y=dist["level_name"],
            orientation="h",
            marker_color=[LEVEL_COLORS[min(i, 5)] for i in range(len(dist))],
            hovertemplate="%{y}: %{x} people<extra></extra>",
        )
    )
    bars.update_layout(
        height=260,
        title="People at each level",
        xaxis={"title": "people", "tickformat": "d", "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "title": None},
        margin={"t": 40, "l": 10, "r": 10, "b": 10},
    )
    st.plotly_chart(bars, width="stretch")

# --- change since last quarter --------------------------------------------------------
since = mc.quarter_before(day)
st.subheader("Change since last quarter")
changes = data["changes"]
if changes["assessed"].sum() == 0:
    st.info("No levels to compare yet.")
else:
    table = changes.assign(
        mean_then=changes["mean_then"].round(2), mean_now=changes["mean_now"].round(2)
    ).rename(
        columns={
            "name": "Competency",
            "assessed": "People assessed",
            "moved_up": "Moved up",
            "moved_down": "Moved down",
            "unchanged": "Unchanged",
            "new": "First assessed",
            "mean_then": f"Mean level {since:%d %b %Y}",
            "mean_now": "Mean level now",
        }
    )
    st.dataframe(table.drop(columns="competency"), hide_index=True, width="stretch")
    st.caption(
        f"Levels now against the levels in force a quarter ago ({since:%d %b %Y}). "
        "'First assessed': people with no level for that competency back then."
    )

# --- forms ----------------------------------------------------------------------------
st.subheader("Record")
flash = st.session_state.pop("cm_saved", None)
if flash:
    st.success(flash)
logins = data["people"]
today = datetime.now(UTC).date()
assess_tab, recog_tab = st.tabs(["An assessment", "A recognition"])


def later_than_as_of(on: date) -> str:
    if on <= day:
        return ""
    return (
        f" It is dated after this page's 'As of' day ({day:%d %b %Y}): move 'As of' to "
        f"{on:%d %b %Y} or later to see it here."
    )


def show_problems(error: people_import.ImportRefusedError) -> None:
    for problem in error.problems:
        st.error(f"**{problem.field}** — {problem.value!r}: expected {problem.expected}")


with assess_tab, st.form("assessment_form"):
    who = st.selectbox("Person", logins, index=None, placeholder="Choose a login", key="as_person")
    what = st.selectbox(
        "Competency", fw.competency_ids, format_func=lambda c: names[c], key="as_competency"
    )
    level = st.selectbox("Level", fw.level_numbers, format_func=fw.level_name, key="as_level")
    on = st.date_input("Assessed on", value=today, max_value=today, key="as_on")
    role = st.radio("Assessed by", ["manager", "self"], horizontal=True, key="as_role")
    assessor = st.text_input("Assessor login (a manager's assessment)", key="as_assessor")
    evidence = st.text_input("Evidence (a link or a short note)", key="as_evidence")
    if st.form_submit_button("Save assessment"):
        try:
            people_import.record_assessment(
                f.db,
                login=who or "",
                competency=what,
                level=level,
                assessed_on=on,
                assessor_role=role,
                assessor=assessor,
                evidence=evidence,
            )
        except people_import.ImportRefusedError as error:
            show_problems(error)
        else:
            st.session_state["cm_saved"] = (
                f"Saved: {who}, {names[what]}, {fw.level_name(level)} on {on:%d %b %Y}."
                + later_than_as_of(on)
            )
            st.rerun()

with recog_tab, st.form("recognition_form"):
    who_r = st.selectbox(
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
    on_r = st.date_input("Recognized on", value=today, max_value=today, key="rc_on")
    note = st.text_input("Note", key="rc_note")
    pr_url = st.text_input("Pull request link (optional)", key="rc_pr_url")
    if st.form_submit_button("Save recognition"):
        try:
            people_import.record_recognition(
                f.db,
                login=who_r or "",
                behaviour=behaviour,
                format=fmt,
                recognized_on=on_r,
                note=note,
                pr_url=pr_url,
            )
        except people_import.ImportRefusedError as error:
            show_problems(error)
        else:
            st.session_state["cm_saved"] = (
                f"Saved: {fw.behaviour(behaviour).name} for {who_r} on {on_r:%d %b %Y}."
                + later_than_as_of(on_r)
            )
            st.rerun()

with st.expander("The framework behind this page"):
    st.markdown(f"Framework file: `{fw.path}` — {fw.name}.")
    st.markdown("**Evaluation dimensions** — what good looks like, and the red flags")
    for dimension in fw.dimensions:
        st.markdown(
            f"**{dimension.name}** — {dimension.good}  \nRed flags: "
            + "; ".join(dimension.red_flags)
        )
    st.markdown("**Behaviours to recognize**")
    st.markdown("\n".join(f"- **{b.name}** — {b.description}" for b in fw.behaviours))
    st.markdown("**Recognition formats**")
    st.markdown("\n".join(f"- **{x.name}** — {x.frequency}, for {x.audience}" for x in fw.formats))
