"""The optional password that guards the whole app, from Streamlit secrets."""
from __future__ import annotations

import hmac

import streamlit as st


def require_password() -> None:
    """Stop the page until the visitor types the password in ``st.secrets["password"]``.

    No password configured (no secrets file, or no ``password`` key): the app
    is open.  The comparison runs in constant time (``hmac.compare_digest``).
    """
    expected = _configured_password()
    if not expected or st.session_state.get("_authenticated"):
        return
    typed = st.text_input("Password", type="password", key="_password")
    if typed and hmac.compare_digest(typed.encode("utf-8"), expected.encode("utf-8")):
        st.session_state["_authenticated"] = True
        st.rerun()
    if typed:
        st.error("Wrong password.")
    st.stop()


def _configured_password() -> str:
    try:
        return str(st.secrets.get("password", "") or "")
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return ""
