"""Page: one person against their own history and beside their team's median — never a
ranking — with their competency levels, growth goal, recognitions and check-in calendar."""

from datetime import datetime

import streamlit as st

import ui
import ui_access
from framework import FrameworkError, framework
from metrics import competency as mc
from metrics import snapshot
from reports import figures, tables
from reports import person_view as view
from reports import traceability as trace

f = ui.page("Person", icon="🙂")
try:
    fw = framework()
except FrameworkError as error:
    st.error(str(error))
    st.stop()
names = {c.id: c.name for c in fw.competencies}
TREND_METRICS = view.TREND_METRICS


@st.cache_data(show_spinner="Loading…")
def load(db: str, version: tuple, as_of: datetime, login: str, period: str) -> dict:
    with snapshot(db, as_of) as db:  # the shared fact build, one attachment for every read
        return {
            "person": mc.person(db, login, as_of),
            "trends": mc.person_trends(
                db, login, as_of=as_of, period=period, metric_ids=TREND_METRICS
            ),
            "levels": mc.person_levels_over_time(db, login, as_of),
            "history": mc.assessments(db, as_of, [login]),
            "goal": mc.growth_goal(db, login, as_of),
            "checkins": mc.checkins(db, login, as_of),
            "recognitions": mc.recognitions(db, as_of, [login]),
            "traced": trace.team_coverage(db, login, as_of, period),
        }


logins = ui_access.people_or_stop(f)  # only the people this viewer may see
ui_access.refuse_other_person(f, logins)
ui.pick_from_url("person_login", "person", logins)
login = st.selectbox("Person", logins, key="person_login", help="Listed alphabetically.")
st.query_params["person"] = login
ui_access.audit(f, "person page opened", login)

data = load(str(f.db), f.data_version, f.as_of, login, f.period)
who = data["person"]
day = f.as_of.date()
phases = mc.phases(who.adoption_on, fw.review)
level = fw.developer_level(who.level) if who.level else None
st.markdown(view.headline(who, level))
st.caption(view.phase_caption(who, phases, day))
if note := view.learning_note(phases, day):
    st.info(note)

with st.expander("What this page shows — and what it never uses", expanded=False):
    st.markdown(view.TRANSPARENCY)

# --- trends next to levels ------------------------------------------------------------
st.subheader("Delivery and quality, next to competency levels")
metric_id = st.selectbox(
    "Metric", TREND_METRICS, format_func=view.metric_title, key="person_metric"
)
trend, untraced = trace.person_trend(data["trends"], data["traced"], metric_id)
levels = data["levels"]
assessed, preset = view.chart_competencies(levels, level, fw)
shown_ids = st.multiselect(
    "Competencies on the chart",
    assessed,
    default=preset,
    format_func=lambda c: names.get(c, c),
    key="person_competencies",
)
figure = figures.person_trend(
    trend,
    levels,
    login=who.login,
    metric_id=metric_id,
    competencies=[(c, names[c]) for c in shown_ids],
    windows=phases,
    fw=fw,
    start=f.start,
    day=day,
)
ui.chart(figure)
st.caption(view.trend_notes(phases, fw))
if not untraced.empty:  # one notice for every period, each period's reason a click away
    st.warning(ui.safe(trace.summary_notice(untraced)), icon="🔍")
    with st.expander(f"Why each is not traceable ({len(untraced)})"):
        for line in trace.notices(untraced):
            st.caption(ui.safe(line))
if trend.empty:
    st.info(f"No merged pull requests by {ui.safe(who.login)} up to {day:%d %b %Y}.")

# --- growth goal ----------------------------------------------------------------------
st.subheader("Growth goal")
goal = data["goal"]
if goal is None or level is None:
    st.info("No developer level recorded, so no growth goal: set it in the people file.")
else:
    st.markdown(view.goal_sentence(goal, level, fw))
    st.progress(goal.progress, text=view.goal_progress_text(goal, fw))
    cols = st.columns(3)
    cols[0].metric("Status", goal.status)
    cols[1].metric("Deadline", f"{goal.deadline:%d %b %Y}" if goal.deadline else "none set")
    cols[2].metric("Days left", view.days_left_text(goal))
    st.dataframe(tables.goal_table(goal, fw), hide_index=True, width="stretch")
    if goal.actions:
        st.markdown(view.goal_actions(goal))
    if goal.deadline is None and goal.status != "met":
        st.caption("The framework sets no deadline for this level's goal.")

# --- check-ins ------------------------------------------------------------------------
st.subheader("Check-in calendar")
schedule = data["checkins"]
st.markdown(view.checkin_intro(phases, day, fw))
for warning in view.checkin_warnings(schedule):
    st.warning(warning)
if schedule:
    st.dataframe(tables.checkin_table(schedule), hide_index=True, width="stretch")
st.caption(view.CHECKIN_RULE)

# --- recognitions and assessment history ----------------------------------------------
st.subheader("Recognitions")
recs = data["recognitions"]
if recs.empty:
    st.info("No recognitions recorded yet (record one on the Competencies page).")
else:
    st.dataframe(
        tables.recognition_table(recs),
        column_config={"Pull request": st.column_config.LinkColumn()},
        hide_index=True,
        width="stretch",
    )

st.subheader("Assessment history")
history = data["history"]
if history.empty:
    st.info("No assessments yet.")
else:
    st.dataframe(tables.assessment_table(history, fw), hide_index=True, width="stretch")

if level is not None:
    with st.expander(f"Conversation guide for {level.name.lower()} developers"):
        st.markdown(view.conversation_guide(level))
