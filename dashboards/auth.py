"""Who is using the dashboards, and which facilities they may see.

Identity comes from one of two places, both server-side:

* Streamlit OIDC (`st.login`) when an `[auth]` section is configured in Streamlit secrets; the
  user is `st.user.email` (or `sub`).
* Otherwise the built-in local user store: a TOML file at `settings.users_file` (outside the
  repository) with a bcrypt hash, a role and facilities per user, checked by the login form.

Either way the role and facilities come from the user store, never from the browser: a signed-in
name that is not in the store gets no role and sees nothing (default-deny). `current_user()` is
the single seam the pages and tests use.
"""

from __future__ import annotations

import enum
import os
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bcrypt
import streamlit as st

from pipelines.lib.settings import get_settings

# Session-state keys. Nothing in the browser can write them: no widget uses these keys.
IDENTITY_KEY = "_ops_identity"
LAST_ACTIVITY_KEY = "_ops_last_activity"

ALL_FACILITIES = "*"

# A valid hash to compare against for unknown users, so a login attempt takes as long for an
# unknown name as for a known one (no user enumeration through timing).
_DUMMY_HASH = bcrypt.hashpw(b"not-a-password", bcrypt.gensalt(rounds=12))

_MAX_FAILURES = 5
_LOCKOUT_SECONDS = 300
_failures: dict[str, list[float]] = {}
_failures_lock = threading.Lock()


class Role(enum.StrEnum):
    """Dashboard roles."""

    EXECUTIVE = "executive"
    FACILITY_MANAGER = "facility_manager"
    ANALYST = "analyst"


@dataclass(frozen=True)
class User:
    """A signed-in user mapped in the user store."""

    username: str
    role: Role
    facilities: tuple[str, ...]

    @property
    def can_export(self) -> bool:
        """Executives and facility managers may download CSV; analysts may not."""
        return self.role in (Role.EXECUTIVE, Role.FACILITY_MANAGER)


@dataclass(frozen=True)
class Scope:
    """The facilities a query may read: derived on the server from the identity, only ever narrowed.

    Frozen (and hashed by value by `st.cache_data`), so a cached result for one scope is never
    served to another.
    """

    facilities: tuple[str, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        """True when the scope allows no facility (default-deny)."""
        return not self.facilities

    def narrow(self, selected: list[str] | tuple[str, ...] | None) -> Scope:
        """Intersect with a widget selection; a selection can remove facilities, never add them."""
        if not selected:
            return self
        chosen = set(selected)
        return Scope(tuple(f for f in self.facilities if f in chosen))


NO_SCOPE = Scope()


# --- the user store -------------------------------------------------------------------------------


def users_file() -> Path:
    """The TOML user store (from `OPS_SECRETS_DIR`)."""
    return get_settings().users_file


def load_users(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """Read the user store; a missing file means no users."""
    path = path or users_file()
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    users = data.get("users", {})
    return users if isinstance(users, dict) else {}


# The parsed store of each path with the file signature it was parsed from. Every run of every
# page looks the user up again (so a removed user or a changed role counts on the next click);
# a stat per look-up instead of a TOML parse keeps that cheap. `write_users` replaces the file
# (new inode, new mtime), so its changes are seen at the next look-up. (An in-place edit that keeps
# the size within one tick of the file system clock would not be; the CLI never edits in place.)
_store_cache: dict[Path, tuple[tuple[int, int, int], dict[str, dict[str, Any]]]] = {}
_store_lock = threading.Lock()


def _current_users(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The user store for look-ups, parsed again whenever the file changed (read-only)."""
    path = path or users_file()
    try:
        info = path.stat()
    except FileNotFoundError:
        return {}
    signature = (info.st_mtime_ns, info.st_size, info.st_ino)
    with _store_lock:
        cached = _store_cache.get(path)
    if cached is not None and cached[0] == signature:
        return cached[1]
    users = load_users(path)
    with _store_lock:
        _store_cache[path] = (signature, users)
    return users


def lookup(username: str, path: Path | None = None) -> User | None:
    """Map a name to a `User`; None when the name is unknown or its record is incomplete."""
    record = _current_users(path).get(username)
    if not isinstance(record, dict):
        return None
    try:
        role = Role(record.get("role", ""))
    except ValueError:
        return None
    facilities = record.get("facilities", [])
    if not isinstance(facilities, list) or not all(isinstance(f, str) for f in facilities):
        return None
    return User(username=username, role=role, facilities=tuple(facilities))


def _locked_out(username: str, now: float) -> bool:
    with _failures_lock:
        recent = [t for t in _failures.get(username, []) if now - t < _LOCKOUT_SECONDS]
        _failures[username] = recent
        return len(recent) >= _MAX_FAILURES


def _record_failure(username: str, now: float) -> None:
    with _failures_lock:
        _failures.setdefault(username, []).append(now)


def check_password(username: str, password: str, path: Path | None = None) -> User | None:
    """Check a local login; returns the user, or None (wrong password, unknown user, locked out)."""
    now = time.time()
    if _locked_out(username, now):
        return None
    record = _current_users(path).get(username)
    stored = record.get("password_hash") if isinstance(record, dict) else None
    hashed = stored.encode() if isinstance(stored, str) else _DUMMY_HASH
    try:
        ok = bcrypt.checkpw(password.encode(), hashed) and stored is not None
    except ValueError:
        ok = False
    if not ok:
        _record_failure(username, now)
        return None
    return lookup(username, path)


# --- identity -------------------------------------------------------------------------------------


def oidc_configured() -> bool:
    """True when Streamlit secrets hold an `[auth]` section, so `st.login` is the sign-in method."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False
    except Exception:  # a malformed secrets file must not open the app: fall back to local
        return False


def current_identity() -> str | None:
    """The authenticated name for this session, or None when nobody has signed in."""
    if oidc_configured() and st.user.is_logged_in:
        name = st.user.get("email") or st.user.get("sub")
        return str(name) if name else None
    name = st.session_state.get(IDENTITY_KEY)
    return name if isinstance(name, str) and name else None


def current_user() -> User | None:
    """The signed-in user with role and facilities from the store; None if absent or unmapped."""
    name = current_identity()
    return lookup(name) if name else None


def sign_in(user: User) -> None:
    """Bind a checked local user to this session."""
    st.session_state[IDENTITY_KEY] = user.username
    st.session_state[LAST_ACTIVITY_KEY] = time.time()


def sign_out() -> None:
    """Forget the identity of this session (and the OIDC cookie when OIDC is in use)."""
    for key in list(st.session_state.keys()):
        if str(key).startswith("_ops_") or str(key).startswith("filter_"):
            del st.session_state[key]
    if oidc_configured() and st.user.is_logged_in:
        st.logout()


def scope_for(user: User | None, known_facilities: tuple[str, ...]) -> Scope:
    """The facilities `user` may read, among those present in the published copy.

    Executives see every facility; analysts see the facilities listed for them (`"*"` = all);
    facility managers see only the facilities listed for them. Unknown users and unknown facility
    ids get nothing.
    """
    if user is None:
        return NO_SCOPE
    if user.role is Role.EXECUTIVE or (
        user.role is Role.ANALYST and ALL_FACILITIES in user.facilities
    ):
        return Scope(tuple(sorted(known_facilities)))
    mine = set(user.facilities)
    return Scope(tuple(sorted(f for f in known_facilities if f in mine)))


# --- automatic logoff -----------------------------------------------------------------------------


def idle_timeout_seconds() -> float:
    """Idle seconds before logoff: OPS_IDLE_TIMEOUT_SECONDS, else OPS_IDLE_TIMEOUT_MINUTES (15)."""
    seconds = os.environ.get("OPS_IDLE_TIMEOUT_SECONDS")
    if seconds:
        return max(1.0, float(seconds))
    return max(1.0, float(os.environ.get("OPS_IDLE_TIMEOUT_MINUTES", "15")) * 60)


def idle_expired(now: float | None = None) -> bool:
    """True when this session's last activity is older than the idle timeout."""
    last = st.session_state.get(LAST_ACTIVITY_KEY)
    if not isinstance(last, int | float):
        return False
    return (now if now is not None else time.time()) - last > idle_timeout_seconds()


def touch(now: float | None = None) -> None:
    """Record activity (a full run of the app: a click, a filter, a page change)."""
    st.session_state[LAST_ACTIVITY_KEY] = now if now is not None else time.time()
