"""Manage the local dashboard user store (`users.toml` in `OPS_SECRETS_DIR`, mode 0600).

    python -m dashboards.users add --username ana --role facility_manager --facility FAC_A
    echo "$PASSWORD" | python -m dashboards.users add --username ana --role analyst --facility '*'
    python -m dashboards.users remove --username ana
    python -m dashboards.users list
    python -m dashboards.users demo     # demo users with random passwords, printed once

The password is prompted for (twice) on a terminal, or read from the first line of stdin; only
its bcrypt hash is written.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

import bcrypt

from dashboards.auth import ALL_FACILITIES, Role, load_users, users_file

MIN_PASSWORD_LENGTH = 12


def _toml_str(value: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes.
    return json.dumps(value)


def write_users(users: dict[str, dict[str, Any]], path: Path | None = None) -> Path:
    """Write the whole store atomically with mode 0600 (directory 0700)."""
    path = path or users_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lines = ["# Dashboard users: managed by `python -m dashboards.users`.", ""]
    for name in sorted(users):
        record = users[name]
        lines.append(f"[users.{_toml_str(name)}]")
        lines.append(f"role = {_toml_str(record['role'])}")
        facilities = ", ".join(_toml_str(f) for f in record.get("facilities", []))
        lines.append(f"facilities = [{facilities}]")
        if record.get("password_hash"):
            lines.append(f"password_hash = {_toml_str(record['password_hash'])}")
        lines.append("")
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("\n".join(lines))
    os.replace(tmp, path)
    return path


def hash_password(password: str) -> str:
    """A bcrypt hash of `password`."""
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def add_user(
    username: str,
    role: str,
    facilities: list[str],
    password: str | None,
    path: Path | None = None,
) -> None:
    """Add or replace a user. A user without a password can only sign in through SSO (OIDC).

    Raises:
        ValueError: for an unknown role, a missing facility or a short password.
    """
    role = Role(role).value
    if role != Role.EXECUTIVE and not facilities:
        raise ValueError(f"role {role} needs at least one --facility")
    if role == Role.FACILITY_MANAGER and ALL_FACILITIES in facilities:
        raise ValueError("a facility manager is mapped to named facilities, not '*'")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")
    users = load_users(path)
    record: dict[str, Any] = {"role": role, "facilities": sorted(set(facilities))}
    if password is not None:
        record["password_hash"] = hash_password(password)
    users[username] = record
    write_users(users, path)


def _read_password(no_password: bool) -> str | None:
    if no_password:
        return None
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Again: "):
            raise ValueError("the passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


def _demo(path: Path | None) -> None:
    from dashboards import queries  # the published copy names the demo facilities

    facilities = list(queries.all_facility_ids()) or ["FAC_A"]
    demo = {
        "exec": (Role.EXECUTIVE, [ALL_FACILITIES]),
        "manager": (Role.FACILITY_MANAGER, facilities[:1]),
        "analyst": (Role.ANALYST, [ALL_FACILITIES]),
    }
    existing = load_users(path)
    for name, (role, facs) in demo.items():
        if name in existing:
            sys.stdout.write(f"{name}: exists, unchanged\n")
            continue
        password = secrets.token_urlsafe(12)
        add_user(name, role.value, facs, password, path)
        sys.stdout.write(f"{name} ({role.value}, {','.join(facs)}): {password}\n")


def main(argv: list[str] | None = None) -> int:
    """Entry point for `python -m dashboards.users`."""
    parser = argparse.ArgumentParser(prog="python -m dashboards.users", description=__doc__)
    parser.add_argument(
        "--file", type=Path, default=None, help="user store (default from settings)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="add or replace a user")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument(
        "--facility", action="append", default=[], help="facility id (repeat); '*' = all"
    )
    add.add_argument("--no-password", action="store_true", help="SSO-only user")
    remove = sub.add_parser("remove", help="remove a user")
    remove.add_argument("--username", required=True)
    sub.add_parser("list", help="list users (no hashes)")
    sub.add_parser("demo", help="create demo users with random passwords")
    args = parser.parse_args(argv)
    try:
        if args.command == "add":
            password = _read_password(args.no_password)
            add_user(args.username, args.role, args.facility, password, args.file)
            sys.stdout.write(f"saved {args.username} to {args.file or users_file()}\n")
        elif args.command == "remove":
            users = load_users(args.file)
            users.pop(args.username, None)
            write_users(users, args.file)
        elif args.command == "list":
            for name, record in sorted(load_users(args.file).items()):
                facs = ",".join(record.get("facilities", []))
                sys.stdout.write(f"{name}\t{record.get('role')}\t{facs}\n")
        else:
            _demo(args.file)
    except ValueError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
