"""Page: one person against their own history and beside their team's median — never a
ranking — with their competency levels, growth goal, recognitions and check-in calendar."""

from datetime import datetime

import pandas as pd
import plotly.express as px
import streamlit as st
from plotly.subplots import make_subplots

import ui
from framework import FrameworkError, framework
from metrics import REGISTRY
from metrics import competency as mc

f = ui.page("Person", icon="🙂")
try:
    fw = framework()
except FrameworkError as error:
    st.error(str(error))
    st.stop()
names = {c.id: c.name for c in fw.competencies}
TREND_METRICS = (
    "qact_p50_h",
    "cycle_time_p50_h",
    "defect_rate",
    "change_failure_rate",
    "unreviewed_merge_rate",
    "merged_prs",
)
METRICS = {m.id: m for m in REGISTRY if m.id in TREND_METRICS}
PALETTE = px.colors.qualitative.Safe
STATUS = {"held": "✅ held", "overdue": "⚠️ overdue", "due": "🔔 due now", "upcoming": "🗓️ next"}


@st.cache_data(show_spinner=False)
def roster(db: str, version: tuple[int, int], as_of: datetime, teams: tuple[str, ...]) -> list:
    return [p.login for p in mc.people(db, as_of, teams)]


@st.cache_data(show_spinner="Loading…")
def load(db: str, version: tuple[int, int], as_of: datetime, login: str, period: str) -> dict:
    return {
        "person": mc.person(db, login, as_of),
        "trends": mc.person_trends(db, login, as_of=as_of, period=period, metric_ids=TREND_METRICS),
        "levels": mc.person_levels_over_time(db, login, as_of),
        "history": mc.assessments(db, as_of, [login]),
        "goal": mc.growth_goal(db, login, as_of),
        "checkins": mc.checkins(db, login, as_of),
        "recognitions": mc.recognitions(db, as_of, [login]),
    }


logins = roster(str(f.db), f.data_version, f.as_of, f.teams)
if not logins:
    st.info("No people here yet. Import them with `teamlens import people FILE.csv`.")
    st.stop()
if "person_login" not in st.session_state:
    wanted = (st.query_params.get("person") or "").lower()
    match = [login for login in logins if login.lower() == wanted]
    if wanted and not match:
        st.warning(f"No person with the login {wanted!r} in this selection.")
    st.session_state["person_login"] = match[0] if match else logins[0]
elif st.session_state["person_login"] not in logins:
    st.session_state["person_login"] = logins[0]
login = st.selectbox("Person", logins, key="person_login", help="Listed alphabetically.")
st.query_params["person"] = login

data = load(str(f.db), f.data_version, f.as_of, login, f.period)
who = data["person"]
day = f.as_of.date()
phases = mc.phases(who.adoption_on, fw.review)
level = fw.developer_level(who.level) if who.level else None
facts = [
    who.name or who.login,
    f"team {who.team}" if who.team else "no team",
    level.name if level else "level not set",
    f"started {who.started_on:%d %b %Y}" if who.started_on else "start date not recorded",
]
st.markdown(" · ".join(f"**{facts[0]}**" if i == 0 else x for i, x in enumerate(facts)))
if who.adoption_on:
    st.caption(
        f"AI adoption start: {who.adoption_on:%d %b %Y} (the later of the team's adoption, "
        f"{who.team_adoption:%d %b %Y}, and the start date). Phase on {day:%d %b %Y}: "
        f"**{phases.phase_on(day)}**."
    )
else:
    st.caption("The team has not adopted AI tools: no first-year phase applies.")
if phases.is_learning_weighted(day):
    st.info(
        f"Learning-weighted phase until {phases.learning_end:%d %b %Y}: in reviews, growth "
        "and learning count for more than delivery figures."
    )

with st.expander("What this page shows — and what it never uses", expanded=False):
    st.markdown(
        "This page is the same for the person and for their manager: everything a manager "
        "sees about someone here, that person can see too.\n\n"
        "**Shows:** the pull requests this person authored and merged (cycle time, "
        "quality-adjusted cycle time, defects and failed changes traced to them, whether "
        "they were reviewed); the median of the same figures over their team's members; "
        "their competency assessments (self and manager: level, date, assessor, evidence); "
        "their recognitions; their team, level, start date and the team's AI adoption date.\n\n"
        "**Never uses:** lines of code; how often AI tools are used; how many AI "
        "suggestions are accepted; how fast AI-assisted tasks are done; comparisons with "
        "people who do not use AI; any position among colleagues. teamlens neither stores "
        "nor computes these, and no page ranks people."
    )

# --- trends next to levels ------------------------------------------------------------
st.subheader("Delivery and quality, next to competency levels")
metric_id = st.selectbox(
    "Metric",
    TREND_METRICS,
    format_func=lambda m: METRICS[m].title if m in METRICS else m,
    key="person_metric",
)
trends = data["trends"]
trend = trends[trends["metric"] == metric_id]
levels = data["levels"]
assessed = [c for c in fw.competency_ids if c in set(levels["competency"])]
goal_scope = fw.goal_competencies(level.growth_goal) if level else ()
shown_ids = st.multiselect(
    "Competencies on the chart",
    assessed,
    default=[c for c in assessed if c in goal_scope][:6] or assessed[:6],
    format_func=lambda c: names.get(c, c),
    key="person_competencies",
)
fig = make_subplots(
    rows=2,
    cols=1,
    shared_xaxes=True,
    vertical_spacing=0.08,
    row_heights=[0.55, 0.45],
    subplot_titles=(METRICS[metric_id].title if metric_id in METRICS else metric_id, "Levels"),
)
if len(trend):
    x = pd.to_datetime(trend["period_start"])
    fig.add_scatter(
        x=x,
        y=trend["value"],
        name=who.login,
        mode="lines+markers",
        row=1,
        col=1,
        customdata=trend["n_prs"],
        hovertemplate="%{y:.3~f} (%{customdata} PRs)<extra></extra>",
    )
    fig.add_scatter(
        x=x,
        y=trend["team_median"],
        name="team median",
        mode="lines",
        line={"dash": "dash", "color": "grey"},
        row=1,
        col=1,
    )
for index, competency_id in enumerate(shown_ids):
    # a small offset per competency keeps lines at the same level apart
    nudge = (index - (len(shown_ids) - 1) / 2) * 0.05
    color = PALETTE[index % len(PALETTE)]
    steps = levels[(levels["competency"] == competency_id)]
    managed = steps[steps["assessor_role"] == "manager"]
    own = steps[steps["assessor_role"] == "self"]
    if len(managed):
        xs = [*pd.to_datetime(managed["assessed_on"]), pd.Timestamp(day)]
        ys = [v + nudge for v in [*managed["level"], managed["level"].iloc[-1]]]
        fig.add_scatter(
            x=xs,
            y=ys,
            name=names[competency_id],
            mode="lines+markers",
            line={"shape": "hv", "color": color},
            legendgroup=competency_id,
            row=2,
            col=1,
        )
    if len(own):
        fig.add_scatter(
            x=pd.to_datetime(own["assessed_on"]),
            y=own["level"] + nudge,
            mode="markers",
            name=f"{names[competency_id]} (self)",
            legendgroup=competency_id,
            marker={"symbol": "circle-open", "size": 9, "color": color},
            row=2,
            col=1,
        )
if phases.adoption_on:
    fig.add_vrect(
        x0=phases.adoption_on,
        x1=phases.transition_end,
        fillcolor="orange",
        opacity=0.15,
        line_width=0,
        row="all",
        col=1,
        annotation_text="transition dip",
        annotation_position="top left",
    )
    fig.add_vrect(
        x0=phases.transition_end,
        x1=phases.learning_end,
        fillcolor="green",
        opacity=0.08,
        line_width=0,
        row="all",
        col=1,
        annotation_text="learning-weighted",
        annotation_position="top right",
    )
fig.update_xaxes(range=[f.start, day])
fig.update_yaxes(
    row=2,
    col=1,
    range=[0.5, fw.level_numbers[-1] + 0.5],
    tickvals=list(fw.level_numbers),
    ticktext=[fw.level_name(n) for n in fw.level_numbers],
)
fig.update_layout(height=620, margin={"t": 40, "l": 10, "r": 10, "b": 10})
st.plotly_chart(fig, width="stretch")
notes = [
    "The person's value per period beside the median of their team's members (the person "
    "included); hover for how many PRs a point rests on — fewer than 5 is thin evidence."
]
if phases.adoption_on:
    notes.append(
        f"Shaded: the transition dip ({fw.review.dip_weeks_min} to {fw.review.dip_weeks_max} "
        "weeks after adoption, never a red flag) and the learning-weighted months."
    )
st.caption(" ".join(notes))
if trend.empty:
    st.info(f"No merged pull requests by {who.login} up to {day:%d %b %Y}.")

# --- growth goal ----------------------------------------------------------------------
st.subheader("Growth goal")
goal = data["goal"]
if goal is None or level is None:
    st.info("No developer level recorded, so no growth goal: set it in the people file.")
else:
    target = (
        fw.level_name(goal.target_min)
        if goal.target_min == goal.target_max
        else f"{fw.level_name(goal.target_min)} to {fw.level_name(goal.target_max)}"
    )
    scope = {"ai": "AI-augmented", "core": "core", "all": "all"}[level.growth_goal.competencies]
    st.markdown(
        f"**{level.name}** ({level.experience}): reach **{target}** on the {scope} "
        f"competencies. Career focus: {level.career_focus}."
    )
    st.progress(
        goal.progress,
        text=f"{len(goal.reached)} of {len(goal.competencies)} at {fw.level_name(goal.target_min)}"
        " or above",
    )
    cols = st.columns(3)
    cols[0].metric("Status", goal.status)
    cols[1].metric("Deadline", f"{goal.deadline:%d %b %Y}" if goal.deadline else "none set")
    cols[2].metric("Days left", goal.days_left if goal.days_left is not None else "—")
    table = pd.DataFrame(
        [
            {
                "Competency": names[c],
                "Current level": fw.level_name(v) if v else "not assessed",
                "Reached": "✅" if c in goal.reached else "",
            }
            for c, v in goal.levels
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")
    if goal.actions:
        st.markdown("Also part of the goal: " + "; ".join(goal.actions) + ".")
    if goal.deadline is None and goal.status != "met":
        st.caption("The framework sets no deadline for this level's goal.")

# --- check-ins ------------------------------------------------------------------------
st.subheader("Check-in calendar")
schedule = data["checkins"]
if phases.monthly_end and day < phases.monthly_end:
    st.markdown(
        f"Monthly check-ins until **{phases.monthly_end:%d %b %Y}**, then "
        f"{mc.steady_label(fw.review)}."
    )
else:
    st.markdown(f"Check-ins are {mc.steady_label(fw.review)}.")
overdue = [c for c in schedule if c.status == "overdue"]
due = [c for c in schedule if c.status == "due"]
if due:
    st.warning(f"A check-in is due now (by {due[0].due_on:%d %b %Y}).")
if overdue:
    st.warning(f"{len(overdue)} check-in(s) in the last 12 months have no conversation recorded.")
if schedule:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Due": c.due_on,
                    "Cadence": c.cadence,
                    "Status": STATUS[c.status],
                    "Held on": c.held_on,
                }
                for c in schedule
            ]
        ),
        hide_index=True,
        width="stretch",
    )
st.caption(
    f"A check-in counts as held when a manager's assessment is recorded between a week after "
    f"the previous due date and a week after this one ({mc.GRACE_DAYS} days' grace)."
)

# --- recognitions and assessment history ----------------------------------------------
st.subheader("Recognitions")
recs = data["recognitions"]
if recs.empty:
    st.info("No recognitions recorded yet (record one on the Competencies page).")
else:
    st.dataframe(
        recs.assign(recognized_on=pd.to_datetime(recs["recognized_on"]).dt.date)[
            ["recognized_on", "behaviour_name", "format_name", "note", "pr_url"]
        ].rename(
            columns={
                "recognized_on": "Date",
                "behaviour_name": "Behaviour",
                "format_name": "Format",
                "note": "Note",
                "pr_url": "Pull request",
            }
        ),
        column_config={"Pull request": st.column_config.LinkColumn()},
        hide_index=True,
        width="stretch",
    )

st.subheader("Assessment history")
history = data["history"]
if history.empty:
    st.info("No assessments yet.")
else:
    shown = history.assign(
        assessed_on=pd.to_datetime(history["assessed_on"]).dt.date,
        competency=history["competency"].map(names).fillna(history["competency"]),
        level=history["level"].map(fw.level_name),
    )
    st.dataframe(
        shown[["assessed_on", "competency", "level", "assessor_role", "assessor", "evidence"]]
        .sort_values("assessed_on", ascending=False)
        .rename(
            columns={
                "assessed_on": "Date",
                "competency": "Competency",
                "level": "Level",
                "assessor_role": "By",
                "assessor": "Assessor",
                "evidence": "Evidence",
            }
        ),
        hide_index=True,
        width="stretch",
    )

if level is not None:
    with st.expander(f"Conversation guide for {level.name.lower()} developers"):
        st.markdown(f"**Career focus:** {level.career_focus}")
        st.markdown("\n".join(f"- {point}" for point in level.conversation))
