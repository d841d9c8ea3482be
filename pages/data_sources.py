"""Page: what data is loaded, from where, how fresh — and how to connect more."""

import pandas as pd
import streamlit as st

import ui
import ui_document
import ui_forms
from metrics import access, attribution, inventory
from reports import traceability as trace

f = ui.page("Data sources", icon="🔌")


@st.cache_data(show_spinner=False)
def load(db: str, version: tuple[int, int]) -> dict:
    return inventory.describe(db)


info = load(str(f.db), f.data_version)
st.caption(
    f"Database `{info['path']}` · schema version {info['schema_version']}. "
    "The filters in the sidebar do not narrow this page: it shows everything that is stored."
)

st.subheader("What is loaded, per source")
if not info["sources"]:
    st.info(
        "Nothing is loaded yet. Build the demo organization with `teamlens demo`, or connect "
        "GitHub and import files as described below."
    )
for source in info["sources"]:
    with st.container(border=True):
        st.markdown(f"**{source['source']}** — {inventory.freshness(source['age_hours'])}")
        ui_document.count_tiles(source["counts"])
        spans = [
            f"{label}: {span['from'][:10]} to {span['to'][:10]}"
            for label, span in source["ranges"].items()
        ]
        if spans:
            st.caption("Date ranges — " + "; ".join(spans))
        if source["last_synced_at"]:
            st.caption(f"Last sync {source['last_synced_at'][:19].replace('T', ' ')} UTC")
        if source["unfinished_streams"]:
            st.warning(
                f"{source['unfinished_streams']} stream(s) did not finish their last sync; "
                "run the same ingest again to resume where it stopped."
            )

st.subheader("Defects traced to the change that caused them, per repository")


@st.cache_data(show_spinner=False)
def coverage(db: str, version: tuple, as_of: object):  # as_of: a datetime
    return attribution.coverage_by_repository(db, as_of)


traced = coverage(str(f.db), f.data_version, f.as_of)
if traced.empty:
    st.caption("No defect is stored yet.")
else:
    st.dataframe(trace.repository_table(traced), hide_index=True, width="stretch")
    missing = trace.missing_view(traced)  # Markdown lines; past 10 repositories, one table
    if isinstance(missing, str):
        st.markdown(missing)
    else:
        st.dataframe(missing, hide_index=True)
    st.caption(
        f"Defects reported by {f.as_of:%d %b %Y} (the as-of date, UTC). "
        "Where fewer than half of a team's defects in a period are traced, its defect-based "
        "figures show as not traceable. To trace more: `teamlens ingest git --path CLONE "
        "--repo OWNER/NAME` for each repository, then `teamlens ingest github` again for "
        "the blamed PRs; and tracker keys (PAY-142) in PR titles, branches or commits."
    )

st.subheader("Every table")
tables = pd.DataFrame(info["tables"])
for column in ("from", "to"):
    tables[column] = tables[column].str[:10].fillna("—")
tables = tables.rename(
    columns={"table": "Table", "rows": "Rows", "from": "Earliest", "to": "Latest"}
)
st.dataframe(tables, hide_index=True, width="stretch")

st.subheader("Connect GitHub")
st.markdown(
    "Create a token with read access to the repositories (classic: `repo`; fine-grained: "
    "*Pull requests*, *Issues*, *Contents*, *Checks* read), then run:"
)
st.code(
    "export GITHUB_TOKEN=…            # or --token-file PATH\n"
    "teamlens ingest github --repo OWNER/NAME [--repo …] [--since 2026-01-01]\n"
    "teamlens ingest github --org ORG                       # every repository of ORG\n"
    "teamlens ingest github --org ORG --api-url https://HOST/api/v3   # GitHub Enterprise",
    language="bash",
)
st.markdown(
    "A re-run fetches only what changed; a run that was interrupted resumes where it "
    "stopped. The dashboard keeps working while an ingest runs. The token is never stored."
)

st.subheader("Connect a git clone")
st.markdown(
    "Most bug reports never name the change that caused them: from a clone's history "
    "teamlens traces each fix's changed lines back to the PRs that introduced them "
    "(suspected culprits, with their evidence). No token, no network; a re-run reads only "
    "new commits."
)
st.code("teamlens ingest git --path CLONE [--repo OWNER/NAME]", language="bash")

st.subheader("Import files")
st.markdown(
    "Each import checks the whole file first: if any row is bad, nothing is written and "
    "every bad row is listed (row number, field, value, what was expected). Upload a file "
    "here, or run the command beside its kind below."
)
# --- upload a CSV file (ui_forms.upload_form: the importers of `teamlens import`) -------
with st.container(border=True):
    if done := st.session_state.pop(ui_forms.UPLOADED_KEY, None):
        st.success(done)
    ui_forms.upload_form(f.db)
st.table(
    pd.DataFrame(
        [
            ("teamlens import people FILE.csv", "login, name, team, level, started_on"),
            ("teamlens import teams FILE.csv", "team, ai_adoption_date, repos"),
            ("teamlens import defects FILE.csv", "Jira, Linear or GitHub exports, or --map"),
            (
                "teamlens import assessments FILE.csv",
                "login, competency, level, assessed_on, assessor, evidence",
            ),
            (
                "teamlens import recognitions FILE.csv",
                "login, behaviour, format, recognized_on, note, pr_url",
            ),
            ("teamlens import access FILE.csv", "email, role, login, teams (replaces the list)"),
        ],
        columns=["Command", "Columns"],
    )
)

# --- who may see what, and what the app did (admins only: ui.page refuses the others) -----
st.subheader("Access and audit")
st.caption(
    "Who may see what once sign-in is on: upload an access file above (it replaces the "
    "whole list) or run `teamlens import access FILE.csv`. The audit lists who opened "
    "which person page or packet and who saved what; the app never edits it."
)
st.dataframe(access.access_list(f.db), hide_index=True, width="stretch")
st.dataframe(access.audit_log(f.db), hide_index=True, width="stretch")
