"""Page: a person's quarterly review packet — on screen, and as PDF or Markdown in one click.

The same packet (reports.review), figures (reports.charts) and renderers (reports.pdf,
reports.markdown) as `teamlens report review`. A person is read against their own
history and beside the team median, never ranked.
"""

from datetime import datetime

import streamlit as st

import ui
from metrics.calendar import Quarter, parse_quarter, recent
from reports import charts, markdown, review

f = ui.page("Quarterly review", icon="🗂️")


@st.cache_data(show_spinner=False)
def roster(db: str, version: tuple[int, int], as_of: datetime, teams: tuple[str, ...]) -> dict:
    return dict(review.people_choices(db, as_of, teams))


@st.cache_data(show_spinner="Building the review packet…")
def packet_of(
    db: str, version: tuple[int, int], login: str, quarter: str, as_of: datetime
) -> review.ReviewPacket:
    return review.build_packet(db, login, parse_quarter(quarter, now=as_of), as_of=as_of)


@st.cache_data(show_spinner=False)
def packet_pdf(db: str, version: tuple[int, int], login: str, quarter: str, as_of: datetime):
    from reports import pdf

    return pdf.review_pdf(packet_of(db, version, login, quarter, as_of))


people = roster(str(f.db), f.data_version, f.as_of, f.teams)
if not people:
    st.info("No people here yet. Import them with `teamlens import people FILE.csv`.")
    st.stop()
logins = list(people)  # alphabetical by login
quarters = [q.label for q in recent(f.as_of)]
if "review_login" not in st.session_state:
    wanted = (st.query_params.get("person") or "").lower()
    match = [login for login in logins if login.lower() == wanted]
    if wanted and not match:
        st.warning(f"No person with the login {wanted!r} in this selection.")
    st.session_state["review_login"] = match[0] if match else logins[0]
elif st.session_state["review_login"] not in people:
    st.session_state["review_login"] = logins[0]
if st.session_state.get("review_quarter") not in quarters:
    asked = (st.query_params.get("quarter") or "").upper()
    st.session_state["review_quarter"] = asked if asked in quarters else quarters[0]

left, right = st.columns([2, 1])
login = left.selectbox(
    "Person", logins, key="review_login", format_func=people.get, help="Listed alphabetically."
)
label = right.selectbox(
    "Quarter", quarters, key="review_quarter", help="Defaults to the quarter of 'As of'."
)
st.query_params["person"] = login
st.query_params["quarter"] = label

db, version = str(f.db), f.data_version
packet = packet_of(db, version, login, label, f.as_of)
quarter: Quarter = packet.quarter
if packet.as_of < quarter.end_instant:
    st.caption(f"{quarter.label} is still running here: figures as of {packet.as_of:%d %b %Y}.")

buttons = st.columns(3)
buttons[0].download_button(
    "⬇️ Review packet (PDF)",
    data=lambda: packet_pdf(db, version, login, label, f.as_of),
    file_name=f"review-{login}-{quarter.label}.pdf",
    mime="application/pdf",
    on_click="ignore",
    type="primary",
)
buttons[1].download_button(
    "⬇️ Review packet (Markdown)",
    data=markdown.review_markdown(packet),
    file_name=f"review-{login}-{quarter.label}.md",
    mime="text/markdown",
    on_click="ignore",
)
buttons[2].caption("Also: `teamlens report review --person LOGIN --quarter 2026Q3 --out F.pdf`")

chart_left, chart_right = st.columns(2)
chart_left.plotly_chart(charts.competency_levels(packet), width="stretch")
chart_right.plotly_chart(charts.person_history(packet), width="stretch")
st.markdown(markdown.review_markdown(packet, title=False))
