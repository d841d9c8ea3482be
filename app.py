"""Streamlit entry point: page config, shared sidebar filters, navigation — nothing else.

Run with `streamlit run app.py`. Pages live in pages/ (one thin file each); ui.py explains
how every page gets the same filters whether reached by the navigation or by its URL.
"""

from pathlib import Path

import streamlit as st

import ui

st.set_page_config(page_title=ui.PAGE_TITLE, page_icon="🔭", layout="wide")

PAGES_DIR = Path(__file__).parent / "pages"

# section -> (file stem, title, icon). A page's URL is its file stem: /team_trends.
PAGES = {
    "Teams": (("team_trends", "Team trends", "📈"), ("competencies", "Competencies", "🧭")),
    "People": (("person", "Person", "🙂"), ("quarterly_review", "Quarterly review", "🗂️")),
    "Leadership": (("executive_summary", "Executive summary", "🏛️"),),
    "About the data": (
        ("how_we_measure", "How we measure", "📏"),
        ("data_sources", "Data sources", "🔌"),
    ),
}

navigation = st.navigation(
    {
        "": [st.Page(ui.overview, title="Overview", icon="🔭", default=True)],
        **{
            section: [
                st.Page(PAGES_DIR / f"{stem}.py", title=title, icon=icon, url_path=stem)
                for stem, title, icon in pages
                if (PAGES_DIR / f"{stem}.py").exists()
            ]
            for section, pages in PAGES.items()
        },
    }
)
ui.shell()
navigation.run()
