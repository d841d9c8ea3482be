"""Page: how teamlens measures — every metric's meaning, the documented choices, the red
flag rules, and the refused metrics with their reasons. No data, no SQL, no ranking."""

import streamlit as st

import metrics
import ui
from metrics import flag_rules
from metrics.registry import documented_choices

ui.page("How we measure", icon="📏")

st.markdown(
    "teamlens turns pull requests, reviews, checks and bug reports into a few honest "
    "measures. Every number is computed **as of** a moment: anything later does not exist "
    "for it. Durations are in hours (UTC); bots are never counted; people are never ranked."
)

st.subheader("Per pull request")
st.markdown(
    "- **start**: the earliest authored commit, or the PR's opening if earlier.\n"
    "- **cycle time**: start → merge. Its phases: **coding** (start → ready for review), "
    "**pickup** (ready → first review by someone else), **review** (first review → merge).\n"
    "- **QACT**, quality-adjusted cycle time: the cycle time, plus the cycle time of each PR "
    "that later fixed one of its defects or reverted it (each counted once), plus the repair "
    "time of its defects no PR has fixed yet. *How long it took to deliver the change "
    "correctly.*\n"
    "- **failed**: a defect was attributed to it, or it was reverted."
)

st.subheader("Metrics")
for dimension in ("Productivity", "Code Quality", "Responsibility"):
    st.markdown(f"**{dimension}**")
    for m in metrics.REGISTRY:
        if m.dimension == dimension:
            better = {"lower": "lower is better", "higher": "higher is better"}.get(
                m.better, "context, not a score"
            )
            st.markdown(f"- **{m.title}** (`{m.id}`, {m.unit}; {better}). {m.meaning}")

st.subheader("Figures of the review packet and the executive summary")
st.caption("Declared like the metrics; not one value per group and period.")
for summary in metrics.SUMMARIES:
    st.markdown(f"- **{summary.title}** (`{summary.id}`, {summary.scope}). {summary.meaning}")

st.subheader("Red flags")
st.markdown(flag_rules.rules_markdown())
for dimension, why in metrics.unreadable_dimensions():
    st.markdown(f"- **{dimension}**: {why}")

st.subheader("Choices we made")
for title, text in documented_choices():
    st.markdown(f"- **{title}.** {text}")

st.subheader("What we refuse to measure")
st.caption("Never computed, never stored. Asking for one is an error that gives its reason.")
for refused in metrics.REFUSED:
    st.markdown(f"- **{refused.title}** (`{refused.id}`): {refused.reason}")

st.subheader("Look up a metric")
ids = [m.id for m in metrics.REGISTRY] + [r.id for r in metrics.REFUSED]
chosen = st.selectbox("Metric id", ids, index=None, placeholder="Choose an id")
if chosen:
    try:
        metrics.refuse_if_refused([chosen])
    except metrics.RefusedMetricError as exc:
        st.error(str(exc))
    else:
        st.success(metrics.METRICS[chosen].meaning)
