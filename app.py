"""Streamlit entry point: page config, shared sidebar filters, navigation — nothing else.

Run with `streamlit run app.py`. Pages live in pages/ (one thin file each) and are listed
once, in ``ui.PAGES``; ui.py explains how every page gets the same filters whether
reached by the navigation or by its URL.
"""

import streamlit as st

import ui

st.set_page_config(page_title=ui.PAGE_TITLE, page_icon="🔭", layout="wide")

navigation = st.navigation(ui.navigation())
ui.shell()
navigation.run()
