"""Page: a team's trends over time — QACT beside cycle time, phases, defects, review health,
competency levels, the AI adoption window, and the red flags with their evidence.
No SQL here and no ranking: data from ``metrics.trends``, figures from ``reports.figures``."""

from datetime import date, datetime

import streamlit as st

import ui
from metrics import attribution, trends
from reports import figures
from reports import traceability as trace

f = ui.page("Team trends", icon="📈")


@st.cache_data(show_spinner="Computing the trends…")
def load(
    db: str,
    version: tuple[int, int],
    as_of: datetime,
    period: str,
    teams: tuple[str, ...],
    start: date,
) -> trends.TeamTrends:
    return trends.team_trends(db, as_of=as_of, period=period, teams=teams, start=start)


@st.cache_data(show_spinner=False)
def suspected(db: str, version: tuple, as_of: datetime, teams: tuple, start: date, end: date):
    return attribution.inferred_evidence(db, as_of, teams=teams, reported_on=(start, end))


data = load(str(f.db), f.data_version, f.as_of, f.period, f.teams, f.start)
scope = ", ".join(map(ui.safe, f.teams)) if f.teams else "the whole organization"
st.caption(
    f"{scope} by {f.period}, {f.start:%d %b %Y} to {f.end:%d %b %Y} (as of the end of that "
    "day, UTC). Medians of merged pull requests; bots excluded. Dashed lines mark AI "
    "adoption; the shaded band is the transition window, when a dip is expected."
)
rows = data.rows
if rows.empty:
    st.info(
        f"No merged pull requests or defects for {scope} between {f.start:%d %b %Y} and "
        f"{f.end:%d %b %Y}. Widen the date range, pick other teams, or ingest data on "
        "**Data sources**."
    )
    st.stop()

if not data.low_data.empty:
    periods = ", ".join(ui.safe(f"{r.group} {r.period}") for r in data.low_data.itertuples())
    st.warning(
        f"Too little data to show medians and rates for: {periods} (fewer than "
        f"{data.config.min_prs} merged PRs). Those points are left out rather than shown "
        "misleadingly."
    )

# figures resting on too thin an attribution are gaps with the reason, never 0
if untraceable := trace.notices(rows):
    st.warning("\n\n".join(ui.safe(n) for n in untraceable), icon="🔍")
rows = trace.shown_rows(rows)

st.subheader("The quality tax: QACT beside cycle time")
ui.chart(figures.qact_vs_cycle(rows, data.adoptions))
st.caption(
    "QACT adds to a PR's cycle time the PRs that later fixed or reverted it and the repair "
    "time of its open defects: the gap between the lines is time the team paid later."
)

left, right = st.columns(2)
with left:
    ui.chart(figures.phases(rows, data.adoptions))
with right:
    ui.chart(figures.defect_rates(rows, data.adoptions))
st.caption(
    f"The AI-assisted defect rate appears only for a team with at least "
    f"{data.config.ai_split_min_authors} authors and {data.config.ai_split_min_prs} "
    "AI-assisted PRs in a period; how many PRs were AI-assisted is never shown."
)

ui.chart(trace.coverage_chart(data.rows))
st.caption(trace.chart_caption(data.config))
with st.expander("Suspected culprits: defects traced by inference from git, with evidence"):
    evidence = suspected(str(f.db), f.data_version, f.as_of, f.teams, f.start, f.end)
    if evidence.empty:
        st.caption("No defect in this range was traced by inference.")
    else:
        st.dataframe(trace.evidence_table(evidence), hide_index=True, width="stretch")

left, right = st.columns(2)
with left:
    ui.chart(figures.review_health(rows, data.adoptions))
with right:
    if data.levels.empty or data.levels["assessments"].sum() == 0:
        st.info(
            "No competency assessments for these quarters yet: record them on "
            "**Competencies** or import them with `teamlens import assessments FILE.csv`."
        )
    else:
        ui.chart(figures.level_distribution(data.levels))

st.subheader("Red flags")
if not data.adoptions:
    st.caption("No AI adoption date is recorded for these teams.")
for dimension in trends.DIMENSIONS:
    dips, older, shown = trends.flags_of(data.flags, dimension)
    st.markdown(f"**{dimension}**")
    if not (dips or older or shown):
        st.caption("No red flag in this range.")
    for flag in dips:
        st.info(f"Expected transition dip, not a red flag: {ui.safe(flag.sentence)}", icon="🌱")
    if older:
        st.caption(f"{len(older)} earlier flags, in brief (the latest are below, with evidence):")
        st.dataframe(trends.flags_frame(older), hide_index=True, width="stretch")
    for flag in shown:
        with st.expander(ui.safe(f"🚩 {flag.group} · {flag.period} · {flag.title}")):
            st.text(flag.sentence)
            if flag.evidence:
                st.dataframe(
                    trends.evidence_frame(flag),
                    column_config={"link": st.column_config.LinkColumn("link")},
                    hide_index=True,
                    width="stretch",
                )
            if trends.more_evidence(flag):
                st.caption(f"…and {trends.more_evidence(flag)} more PRs.")
for dimension, why in data.unreadable:
    st.markdown(f"**{dimension}**")
    st.caption(why)

with st.expander("What these figures rest on"):
    st.dataframe(trends.coverage_frame(rows), hide_index=True, width="stretch")
