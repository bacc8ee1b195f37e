"""Entrypoint: sign-in gate, automatic logoff, then the sectioned page navigation.

Run with `streamlit run dashboards/streamlit_app.py`. Nothing below the gate runs without a
signed-in user who has a role in the user store.
"""

from __future__ import annotations

import time

import streamlit as st

from dashboards import audit, auth, heap, queries

st.set_page_config(
    page_title="Hospital operations", page_icon=":material/monitoring:", layout="wide"
)

DENIED_KEY = "_ops_denied_audited"
LINK_AUDITED_KEY = "_ops_link_audited"


def audit_session(action: str, user: auth.User | None, name: str | None, outcome: str) -> None:
    """Audit a session event (login, logout, denied) outside any page."""
    audit.record(
        user=name or (user.username if user else None),
        role=user.role.value if user else None,
        facility_scope=user.facilities if user else (),
        page="session",
        action=action,
        outcome=outcome,
    )


def sign_out(reason: str) -> None:
    """Audit and end the session."""
    name = auth.current_identity()
    audit_session("logout", auth.current_user(), name, reason)
    auth.sign_out()


def login_form() -> None:
    """The sign-in screen: SSO when OIDC is configured, else the local user store."""
    st.title("Hospital operations")
    if auth.oidc_configured():
        st.button("Sign in with single sign-on", on_click=st.login, type="primary")
        return
    with st.form("login", clear_on_submit=True):
        username = st.text_input("Username", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        user = auth.check_password(username.strip(), password)
        if user is None:
            audit_session("login", None, username.strip()[:100] or None, "failure")
            st.error("Sign-in failed: check the username and password.")
            return
        auth.sign_in(user)
        audit_session("login", user, None, "success")
        st.rerun()


@st.fragment(run_every=max(1.0, min(30.0, auth.idle_timeout_seconds() / 5)))
def idle_watch() -> None:
    """Sign the session out once idle, even in an untouched tab (the timer reruns only this)."""
    if auth.current_identity() and auth.idle_expired():
        sign_out("idle_timeout")
        st.rerun(scope="app")


def ignore_facility_links(user: auth.User, scope: auth.Scope) -> None:
    """Audit and ignore a `?facility=` link outside the scope: facilities come from identity."""
    requested = tuple(st.query_params.get_all("facility"))
    outside = [f for f in requested if f not in scope.facilities]
    if outside and st.session_state.get(LINK_AUDITED_KEY) != requested:
        st.session_state[LINK_AUDITED_KEY] = requested
        audit.record(
            user=user.username,
            role=user.role.value,
            facility_scope=scope.facilities,
            page="session",
            action="denied",
            query_id="query_param:facility",
            outcome="denied",
        )
    if outside:
        st.warning("A facility in the link is outside your access and was ignored.")


# --- gate -----------------------------------------------------------------------------------------

try:
    queries.refresh_if_swapped()
except OSError:
    pass

# Resolved once per run: each resolution reads the Streamlit secrets (is OIDC configured?).
identity = auth.current_identity()
if identity and auth.idle_expired():
    # The tab was asleep or closed while the timer could not fire: the next run ends the session.
    sign_out("idle_timeout")
    identity = auth.current_identity()

if identity is None:
    login_form()
    st.stop()

user = auth.lookup(identity)
if user is None:
    # Signed in (e.g. through SSO) but not mapped in the user store: no role, no data.
    if not st.session_state.get(DENIED_KEY):
        st.session_state[DENIED_KEY] = True
        audit_session("denied", None, identity, "denied")
    st.error("Your account has no access to these dashboards. Ask an administrator to add you.")
    st.button("Sign out", on_click=sign_out, args=("user",))
    st.stop()

auth.touch(time.time())
scope = auth.scope_for(user, queries.all_facility_ids())
ignore_facility_links(user, scope)

with st.sidebar:
    st.caption(f"Signed in as **{user.username}** · {user.role.value.replace('_', ' ')}")
    st.button("Sign out", on_click=sign_out, args=("user",), icon=":material/logout:")
    idle_watch()

page = st.navigation(
    {
        "Operations": [
            st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:"),
            st.Page("app_pages/throughput.py", title="Throughput", icon=":material/timer:"),
            st.Page("app_pages/no_shows.py", title="No-shows", icon=":material/event_busy:"),
            st.Page("app_pages/bed_utilization.py", title="Bed utilization", icon=":material/bed:"),
        ],
        "Finance": [
            st.Page(
                "app_pages/revenue_cycle.py", title="Revenue cycle", icon=":material/payments:"
            ),
        ],
        "Data": [
            st.Page(
                "app_pages/data_quality.py", title="Data quality", icon=":material/fact_check:"
            ),
        ],
    },
    position="sidebar",
)
page.run()
# After the first complete page run everything long-lived is loaded (see dashboards/heap.py).
heap.freeze_startup_objects()
