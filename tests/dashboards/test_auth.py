"""Identity, roles and scope (R1, R2) and the user-store CLI."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dashboards import auth, users
from dashboards.auth import Role, Scope, User
from pipelines.lib.settings import get_settings
from tests.dashboards.conftest import PASSWORD

REPO = Path(__file__).resolve().parents[2]
KNOWN = ("FAC_A", "FAC_B")


@pytest.mark.unit
def test_scope_by_role():
    assert auth.scope_for(User("e", Role.EXECUTIVE, ()), KNOWN) == Scope(KNOWN)
    assert auth.scope_for(User("m", Role.FACILITY_MANAGER, ("FAC_A",)), KNOWN) == Scope(("FAC_A",))
    assert auth.scope_for(User("m", Role.FACILITY_MANAGER, ("*",)), KNOWN) == Scope()
    assert auth.scope_for(User("a", Role.ANALYST, ("*",)), KNOWN) == Scope(KNOWN)
    assert auth.scope_for(User("x", Role.ANALYST, ("FAC_Z",)), KNOWN) == Scope()
    assert auth.scope_for(None, KNOWN) == Scope()


@pytest.mark.unit
def test_export_rights():
    assert User("e", Role.EXECUTIVE, ()).can_export
    assert User("m", Role.FACILITY_MANAGER, ("FAC_A",)).can_export
    assert not User("a", Role.ANALYST, ("FAC_A",)).can_export


@pytest.mark.unit
def test_password_check(dash_env):
    assert auth.check_password("mgr_a", PASSWORD) == User(
        "mgr_a", Role.FACILITY_MANAGER, ("FAC_A",)
    )
    assert auth.check_password("mgr_a", "wrong-password") is None
    assert auth.check_password("nobody", PASSWORD) is None


@pytest.mark.unit
def test_lockout_after_repeated_failures(dash_env):
    for _ in range(5):
        assert auth.check_password("exec", "wrong-password") is None
    assert auth.check_password("exec", PASSWORD) is None
    auth._failures.clear()
    assert auth.check_password("exec", PASSWORD) is not None


@pytest.mark.unit
def test_unknown_or_malformed_user_is_unmapped(dash_env):
    path = get_settings().users_file
    path.write_text(
        path.read_text() + '\n[users.weird]\nrole = "superuser"\nfacilities = ["FAC_A"]\n'
    )
    assert auth.lookup("weird") is None
    assert auth.lookup("nobody") is None


@pytest.mark.unit
def test_user_store_mode_and_no_plaintext(dash_env):
    path = get_settings().users_file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert PASSWORD not in path.read_text()


@pytest.mark.unit
def test_users_cli_reads_password_from_stdin(dash_env):
    env = {**os.environ}
    result = subprocess.run(
        [
            *(sys.executable, "-m", "dashboards.users", "add", "--username", "mgr_b"),
            *("--role", "facility_manager", "--facility", "FAC_B"),
        ],
        input="another-long-password\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert auth.check_password("mgr_b", "another-long-password") == User(
        "mgr_b", Role.FACILITY_MANAGER, ("FAC_B",)
    )


@pytest.mark.unit
def test_users_rejects_bad_input(dash_env):
    with pytest.raises(ValueError):
        users.add_user("x", "facility_manager", ["*"], PASSWORD)
    with pytest.raises(ValueError):
        users.add_user("x", "analyst", ["FAC_A"], "short")
    with pytest.raises(ValueError):
        users.add_user("x", "root", ["FAC_A"], PASSWORD)


@pytest.mark.unit
def test_user_store_changes_count_at_the_next_lookup(dash_env):
    # Look-ups reuse the parsed store while the file is unchanged; any rewrite must be seen at once.
    assert auth.lookup("mgr_a") == User("mgr_a", Role.FACILITY_MANAGER, ("FAC_A",))
    users.add_user("mgr_a", "analyst", ["FAC_B"], None)
    assert auth.lookup("mgr_a") == User("mgr_a", Role.ANALYST, ("FAC_B",))
    assert auth.check_password("mgr_a", PASSWORD) is None  # the rewrite dropped the password
    stored = users.load_users()
    stored.pop("mgr_a")
    users.write_users(stored)
    assert auth.lookup("mgr_a") is None
    get_settings().users_file.unlink()
    assert auth.lookup("exec") is None
