"""Streamlit shell: who is looking — sign-in, the viewer, the gate, the audit trail.

Sign-in is Streamlit's own OpenID Connect (``st.login``; ``streamlit[auth]`` brings
Authlib), configured by an ``[auth]`` section in ``.streamlit/secrets.toml`` (README,
"Sign-in"). An account is matched by the ID token's e-mail (``st.user.email``), never
by the provider's ``sub``; an e-mail the provider says is not verified is refused.

* With no ``[auth]``: local mode, the viewer is :data:`metrics.access.LOCAL` (an admin)
  and every page says so in a banner; ``.streamlit/config.toml`` keeps the server on
  127.0.0.1.
* With ``[auth]``: nothing is drawn before the account is signed in and found in the
  access list; otherwise :func:`gate` shows the "Sign in" button, or the plain "ask your
  admin" page, and stops the script.

Every decision is :mod:`metrics.access`'s; this module only asks it, on the server, in
the run of the page itself (ui.page calls :func:`viewer`), so a page opened by its URL
is checked too. No SQL here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from ingest import people_import
from metrics import access
from metrics import competency as mc

LOCAL_BANNER = (
    "**Local mode: sign-in is off.** Anyone who can open this page on this machine sees "
    "everything, every person's page included; the server listens on 127.0.0.1 only. To "
    "share teamlens, turn sign-in on: an `[auth]` section in `.streamlit/secrets.toml` "
    'and `teamlens import access FILE.csv` (README, "Sign-in").'
)
REFUSED_PAGE = "This page is not part of what your account may see."
REFUSED_PERSON = (
    "This link names a person whose page is not yours to see, or no such person: nothing "
    "is shown. Pick someone from the list instead."
)
_AUDITED = "tl_audited"  # (action, subject) already written in this session


def auth_configured() -> bool:
    """Whether ``st.secrets`` has an ``[auth]`` section (sign-in is on)."""
    try:
        return "auth" in st.secrets
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return False


def providers() -> list[str | None]:
    """The named providers of ``[auth]`` (``[auth.NAME]`` with a client_id), else [None]:
    the default provider whose settings are in ``[auth]`` itself."""
    section = st.secrets["auth"]
    named = [k for k, v in section.items() if isinstance(v, Mapping) and "client_id" in v]
    return named or [None]


def signed_in_email() -> str | None:
    """The signed-in account's verified e-mail, or None (signed out, or no verified one)."""
    if not st.user.is_logged_in:
        return None
    email = st.user.get("email")
    if not isinstance(email, str) or "@" not in email:
        return None
    if st.user.get("email_verified") is False:  # said unverified: never trusted
        return None
    return email.strip().lower()


def viewer(db: Any) -> access.Viewer:
    """Who is looking, or draw the gate and stop: signed out, no verified e-mail, or an
    account in no access row."""
    if not auth_configured():
        return access.LOCAL
    email = signed_in_email()
    if email is None:
        gate(None)
    found = access.viewer_for(db, email)
    if found.role is None:
        gate(found)
    return found


def gate(found: access.Viewer | None) -> None:
    """The only page an unidentified or unknown account sees; stops the script."""
    st.title("teamlens")
    if not st.user.is_logged_in:
        st.markdown("Sign in with your organization's account to see your teamlens pages.")
        for provider in providers():
            label = "Sign in" if provider is None else f"Sign in with {provider}"
            if st.button(label, type="primary", key=f"tl_sign_in_{provider}"):
                st.login() if provider is None else st.login(provider)
    elif found is None:
        st.warning(
            "Your identity provider did not give teamlens a verified e-mail address, so "
            "teamlens cannot tell who you are. Ask your admin."
        )
        _sign_out_button()
    else:
        st.info(
            f"You are signed in as {_safe(found.email)}, but this account is not on "
            "teamlens' access list yet. **Ask your admin** to add it."
        )
        _sign_out_button()
    st.stop()


def _safe(text: str) -> str:
    import ui  # ui imports this module; the escaping lives there

    return ui.safe(text)


def _sign_out_button() -> None:
    if st.button("Sign out", key="tl_sign_out"):
        st.logout()


def sidebar(who: access.Viewer) -> None:
    """Who is signed in, and the sign-out button (nothing in local mode)."""
    if who.local:
        return
    role = who.role or "no access"
    st.sidebar.caption(f"Signed in as {_safe(who.email)} ({role}).")
    if st.sidebar.button("Sign out", key="tl_sidebar_sign_out"):
        st.logout()


def banner(who: access.Viewer) -> None:
    if who.local:
        st.info(LOCAL_BANNER, icon="🔓")


def check_page(who: access.Viewer, stem: str) -> None:
    """Stop a page the viewer may not open, with a plain notice."""
    if not access.may_open(who, stem):
        st.warning(REFUSED_PAGE)
        st.stop()


# --- people ---------------------------------------------------------------------------


@st.cache_data(show_spinner=False)
def _roster(db: str, version: tuple[int, int], as_of: datetime, teams: tuple[str, ...]) -> dict:
    return {p.login: p.team for p in mc.people(db, as_of, teams)}


def roster(f: Any) -> dict[str, str | None]:
    """login -> team on the filters' day, of the filters' teams."""
    return _roster(str(f.db), f.data_version, f.as_of, f.teams)


def everyone(f: Any) -> dict[str, str | None]:
    """login -> team on the filters' day, of everyone (the forms' roster)."""
    return _roster(str(f.db), f.data_version, f.as_of, ())


def people_or_stop(f: Any) -> list[str]:
    """The logins the viewer may see among the filters' teams; stops with a notice when
    there is none."""
    logins = access.people(f.viewer, roster(f))
    if not logins:
        if f.viewer.is_admin:
            st.info("No people here yet. Import them with `teamlens import people FILE.csv`.")
        else:
            st.info("There is no person here whose page is yours to see.")
        st.stop()
    return logins


def refuse_other_person(f: Any, logins: list[str], param: str = "person") -> None:
    """A link naming a person the viewer may not see (or nobody): a plain notice that
    names no one, and no data. An admin's unknown name is only ignored (ui.pick_from_url)."""
    asked = st.query_params.get(param)
    if f.viewer.is_admin or not asked:
        return
    if asked.lower() not in {login.lower() for login in logins}:
        st.warning(REFUSED_PERSON)
        st.stop()


# --- the audit trail ------------------------------------------------------------------


def audit(f: Any, action: str, subject: str) -> None:
    """Append to the audit trail, once per session for the same action and subject."""
    done: set = st.session_state.setdefault(_AUDITED, set())
    if (action, subject) in done:
        return
    people_import.record_audit(f.db, email=f.viewer.email, action=action, subject=subject)
    done.add((action, subject))


def audited(f: Any, action: str, subject: str, make: Callable[[], bytes]) -> Callable[[], bytes]:
    """A download's data callable that writes the audit row when the file is made."""

    def run() -> bytes:
        people_import.record_audit(f.db, email=f.viewer.email, action=action, subject=subject)
        return make()

    return run
