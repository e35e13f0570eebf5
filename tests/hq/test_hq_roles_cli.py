"""ces-hq user add/set/list with roles, stores and e-mail addresses, run as an operator runs
them, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator

import pytest
from hqserver import ces_hq

from hq import erasure, roles
from hq.db.database import HQDatabase

PASSWORD = "correct horse battery\n"


@pytest.fixture
def where(database_url: str) -> Iterator[tuple[HQDatabase, list[str]]]:
    db = HQDatabase.open(database_url)
    try:
        yield db, ["--database-url", database_url]
    finally:
        db.close()


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def add(args: list[str], *more: str) -> subprocess.CompletedProcess[str]:
    return ces_hq("user", "add", *more, "--password-stdin", *args, stdin=PASSWORD)


def test_roles_stores_and_e_mail_from_the_command_line(
    where: tuple[HQDatabase, list[str]],
) -> None:
    db, args = where
    # The first user is an admin (someone must manage the others); later ones analysts.
    first = add(args, "anna")
    assert first.returncode == 0, first.stderr
    assert "user anna added as admin" in first.stdout
    assert "added as analyst" in add(args, "alex").stdout
    sam = add(args, "sam", "--role", "store_manager", "--stores", "s001,s002")
    assert "added as store_manager" in sam.stdout
    # --stores alone makes a store manager.
    assert "added as store_manager" in add(args, "sid", "--stores", "s003").stdout
    assert roles.member(db, "sam") == roles.Member(
        "sam", "store_manager", None, frozenset({"s001", "s002"})
    )
    changed = ces_hq("user", "set", "sam", "--stores", "s002", "--email", "sam@example.com", *args)
    assert changed.returncode == 0, changed.stderr
    assert "sam: store_manager (s002)" in changed.stdout
    # What is not given stays.
    ces_hq("user", "set", "sam", "--email", "sam@shop.example", *args)
    assert roles.member(db, "sam") == roles.Member(
        "sam", "store_manager", "sam@shop.example", frozenset({"s002"})
    )
    # Another role: the stores go, as only store managers have them.
    ces_hq("user", "set", "sid", "--role", "analyst", *args)
    assert roles.member(db, "sid") == roles.Member("sid", "analyst", None, None)
    listed = ces_hq("user", "list", *args).stdout.splitlines()
    assert listed[0].split() == ["NAME", "ROLE", "STORES", "E-MAIL"]
    assert [line.split() for line in listed[1:]] == [
        ["alex", "analyst", "all", "-"],
        ["anna", "admin", "all", "-"],
        ["sam", "store_manager", "s002", "sam@shop.example"],
        ["sid", "analyst", "all", "-"],
    ]
    as_json = json.loads(ces_hq("user", "list", "--json", *args).stdout)
    assert as_json[2] == {
        "name": "sam",
        "role": "store_manager",
        "stores": ["s002"],
        "email": "sam@shop.example",
    }
    assert as_json[0]["stores"] is None
    # Every change is in the audit log, without the e-mail address.
    audit = erasure.audit_entries(db)
    assert [line["action"] for line in reversed(audit)] == [
        "user_added",
        "user_added",
        "user_added",
        "user_added",
        "user_changed",
        "user_changed",
        "user_changed",
    ]
    assert all(line["actor"].startswith("cli:") for line in audit)
    assert audit[0]["detail"] == "sid: analyst; no e-mail"
    assert "example" not in str(audit)
    # The existing password options still work alongside.
    replaced = ces_hq(
        "user", "add", "sam", "--replace", "--password-stdin", *args, stdin="another password\n"
    )
    assert "new password set" in replaced.stdout
    assert roles.member(db, "sam").role == "store_manager"  # type: ignore[union-attr]
    assert ces_hq("user", "remove", "sam", *args).returncode == 0
    assert erasure.audit_entries(db)[0]["action"] == "user_removed"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--role", "owner"], "'owner' is not a role (one of admin, analyst, store_manager)"),
        (
            ["--role", "store_manager", "--stores", "s001,bad!store"],
            "'bad!store' is not a store id",
        ),
        (["--role", "store_manager", "--stores", "s001,<x>"], "'<x>' is not a store id"),
        (["--role", "analyst", "--stores", "s001"], "only a store_manager has stores"),
        (["--email", "not an address"], "e-mail"),
        (["--email", "a@b.example\r\nBcc: x@y.example"], "e-mail"),
    ],
)
def test_bad_values_are_one_line_errors_and_change_nothing(
    where: tuple[HQDatabase, list[str]], options: list[str], message: str
) -> None:
    db, args = where
    add(args, "anna")
    before = roles.members(db)
    assert message in one_line_error(add(args, "bert", *options))
    assert message in one_line_error(ces_hq("user", "set", "anna", *options, *args))
    assert roles.members(db) == before  # bert was not made either


def test_unknown_users_and_the_last_admin(where: tuple[HQDatabase, list[str]]) -> None:
    db, args = where
    assert "no user 'nobody'" in one_line_error(
        ces_hq("user", "set", "nobody", "--role", "admin", *args)
    )
    add(args, "anna")
    refused = ces_hq("user", "set", "anna", "--role", "analyst", *args)
    assert "'anna' is the last admin" in one_line_error(refused)
    add(args, "bert", "--role", "admin")
    assert ces_hq("user", "set", "anna", "--role", "analyst", *args).returncode == 0
    assert roles.member(db, "anna").role == "analyst"  # type: ignore[union-attr]


def test_the_last_admin_cannot_be_removed_while_others_remain(
    where: tuple[HQDatabase, list[str]],
) -> None:
    db, args = where
    add(args, "anna")
    add(args, "bert", "--role", "analyst")
    refused = ces_hq("user", "remove", "anna", *args)
    assert "'anna' is the last admin" in one_line_error(refused)
    assert [m.name for m in roles.members(db)] == ["anna", "bert"]
    assert ces_hq("user", "set", "bert", "--role", "admin", *args).returncode == 0
    assert ces_hq("user", "remove", "anna", *args).returncode == 0
    assert [(m.name, m.role) for m in roles.members(db)] == [("bert", "admin")]
    # The only user may go: the next one added becomes the admin.
    assert ces_hq("user", "remove", "bert", *args).returncode == 0
    add(args, "carla")
    assert roles.member(db, "carla").role == "admin"  # type: ignore[union-attr]


def test_kiosk_and_store_changes_are_in_the_audit_log(where: tuple[HQDatabase, list[str]]) -> None:
    db, args = where
    added = json.loads(
        ces_hq(
            "kiosk", "add", "--store", "s001", "--touchpoint", "in_store_purchase", "--json", *args
        ).stdout
    )
    kiosk_id = added["kiosk_id"]
    assert ces_hq("kiosk", "revoke", kiosk_id, *args).returncode == 0
    assert (
        ces_hq("store", "set", "s001", "--name", "Centre", "--region", "north", *args).returncode
        == 0
    )
    lines = [(line["action"], line["detail"]) for line in reversed(erasure.audit_entries(db))]
    assert lines == [
        ("kiosk_added", f"kiosk {kiosk_id} at s001: in_store_purchase"),
        ("kiosk_revoked", f"kiosk {kiosk_id}"),
        ("store_set", "s001: name, region"),
    ]
    # The enrolment code is a secret: never in the log.
    assert added["code"] not in str(erasure.audit_entries(db))
    listed = ces_hq("audit", *args).stdout
    assert "kiosk_revoked" in listed
