"""Streamlit entry point: page config, who is looking, shared sidebar filters, navigation.

Run with `streamlit run app.py`. Pages live in pages/ (one thin file each) and are listed
once, in ``ui.PAGES``; ui.py explains how every page gets the same filters whether
reached by the navigation or by its URL.
"""

import streamlit as st

import ui

st.set_page_config(page_title=ui.PAGE_TITLE, page_icon="🔭", layout="wide")

viewer = ui.viewer()  # sign-in and the access list; draws the gate and stops when needed
navigation = st.navigation(ui.navigation(viewer))
ui.shell(viewer)
navigation.run()
