"""``kaft sip2-account``: adding, listing and deactivating kiosk accounts from the console."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from kaft.catalog.models import Branch
from kaft.sip2.accounts import kiosk_account_add, kiosk_account_authenticate
from kaft.sip2.models import KioskAccount
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db

PASSWORD = "zelfbediening-2026"


@pytest.fixture
def centrale() -> Branch:
    return BranchFactory.create(code="centrale", name="Centrale Bibliotheek", isil="NL-EdeCB")


def run(*args: str, stdin: str | None = None, monkeypatch: Any = None) -> str:
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    with translation.override("en"):  # the refusals in English, whatever the library's language
        call_command("sip2_account", *args, stdout=out)
    return out.getvalue()


def test_add_with_every_setting_stores_them_and_a_hash_of_the_password(centrale: Branch) -> None:
    # when
    out = run(
        "add",
        "kiosk-centrale",
        "--password",
        PASSWORD,
        "--branch",
        "nl-edecb",
        "--name",
        "Zuil bij de ingang",
        "--charset",
        "cp850",
        "--name-shown",
        "initials",
        "--fields",
        "be,PB",
        "--messages",
        "11,09",
        "--no-error-detection",
    )
    # then
    account = KioskAccount.objects.get()
    assert out == (
        "Kiosk account kiosk-centrale (Zuil bij de ingang) at Centrale Bibliotheek (NL-EdeCB), "
        "cp850\n"
    )
    assert (account.login, account.name, account.branch, account.charset) == (
        "kiosk-centrale",
        "Zuil bij de ingang",
        centrale,
        "cp850",
    )
    assert account.name_shown == "initials"
    assert account.patron_fields == ["BE", "PB"]
    assert account.messages == ["09", "11", "93", "97", "99"]  # sign-in, resend, status added
    assert account.error_detection is False
    assert PASSWORD not in account.password
    assert account.check_password(PASSWORD)


def test_defaults_are_utf8_first_name_no_extra_fields_every_message(centrale: Branch) -> None:
    run("add", "kiosk-1", "--password", PASSWORD, "--branch", "NL-EdeCB")
    account = KioskAccount.objects.get()
    assert (account.name, account.charset, account.name_shown) == ("kiosk-1", "utf-8", "first")
    assert (account.patron_fields, account.messages, account.error_detection) == ([], [], True)


def test_the_password_can_come_from_standard_input(centrale: Branch, monkeypatch: Any) -> None:
    run(
        "add",
        "kiosk-1",
        "--password-stdin",
        "--branch",
        "NL-EdeCB",
        stdin=PASSWORD + "\n",
        monkeypatch=monkeypatch,
    )
    assert kiosk_account_authenticate(login="kiosk-1", password=PASSWORD) is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--branch", "NL-Nergens"], "--branch: no branch has ISIL 'NL-Nergens' (known: NL-EdeCB)"),
        (["--password", "kort"], "A kiosk password has at least 10 characters."),
        (["--password", "met|streep1234"], "A kiosk password cannot contain a vertical bar"),
        (["--fields", "BD,XX"], "--fields: 'XX' is not one of BD, BE, BF, PB"),
        (["--messages", "11,42"], "42 is not a SIP2 request a kiosk sends."),
        (["--login", "kiosk|1"], "A login name has 3 to 40 characters"),
    ],
)
def test_refused_input_says_why_and_writes_nothing(
    centrale: Branch, args: list[str], message: str
) -> None:
    # given
    options = {"--branch": "NL-EdeCB", "--password": PASSWORD, "--login": "kiosk-1"}
    for key, value in zip(args[::2], args[1::2], strict=True):
        options[key] = value
    login = options.pop("--login")
    argv = ["add", login, *[part for pair in options.items() for part in pair]]
    # when
    with pytest.raises(CommandError) as refused:
        run(*argv)
    # then
    assert str(refused.value).startswith(message)
    assert KioskAccount.objects.count() == 0


def test_an_existing_login_is_replaced_only_when_asked(centrale: Branch) -> None:
    # given
    kiosk_account_add(login="kiosk-1", password=PASSWORD, branch=centrale, name="Oud")
    # when: without --replace
    with pytest.raises(CommandError) as refused:
        run("add", "kiosk-1", "--password", "een-ander-wachtwoord", "--branch", "NL-EdeCB")
    # then
    assert str(refused.value) == "There is already a kiosk account with this login name."
    account = KioskAccount.objects.get()
    assert account.name == "Oud"
    assert account.check_password(PASSWORD)
    # when: with --replace
    run(
        "add",
        "kiosk-1",
        "--password",
        "een-ander-wachtwoord",
        "--branch",
        "NL-EdeCB",
        "--name",
        "Nieuw",
        "--replace",
    )
    account.refresh_from_db()
    assert account.name == "Nieuw"
    assert account.check_password("een-ander-wachtwoord")


def test_list_shows_every_account_and_deactivate_stops_the_sign_in(centrale: Branch) -> None:
    # given
    west = BranchFactory.create(code="west", name="West", isil="NL-EdeW")
    kiosk_account_add(login="kiosk-west", password=PASSWORD, branch=west, charset="cp850")  # type: ignore[arg-type]
    kiosk_account_add(login="kiosk-centrale", password=PASSWORD, branch=centrale, name="Zuil")
    # when
    out = run("deactivate", "kiosk-west")
    # then
    assert out == "Kiosk account kiosk-west deactivated\n"
    assert kiosk_account_authenticate(login="kiosk-west", password=PASSWORD) is None
    assert run("list").splitlines() == [
        "LOGIN           NAME        BRANCH    CHARSET  LAST SIGNED IN  ACTIVE",
        "kiosk-centrale  Zuil        NL-EdeCB  utf-8    -               yes",
        "kiosk-west      kiosk-west  NL-EdeW   cp850    -               no",
    ]


def test_deactivating_an_unknown_login_is_refused() -> None:
    with pytest.raises(CommandError) as refused:
        run("deactivate", "kiosk-nergens")
    assert str(refused.value) == "There is no kiosk account with this login name."


def test_the_kaft_command_takes_the_name_with_a_dash(monkeypatch: Any) -> None:
    from django.core import management

    from kaft.cli import main

    seen: list[list[str]] = []
    monkeypatch.setattr(management, "execute_from_command_line", seen.append)
    main(["kaft", "sip2-account", "list"])
    assert seen == [["kaft", "sip2_account", "list"]]
    assert management.get_commands()["sip2_account"] == "kaft.sip2"
