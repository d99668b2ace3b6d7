"""``kaft sip2-account add|list|deactivate``: kiosk accounts from the console.

    kaft sip2-account add LOGIN --branch ISIL (--password P | --password-stdin) [--name NAME]
        [--charset utf-8|cp850] [--name-shown full|first|initials|none] [--fields BD,BE,BF,PB]
        [--messages 11,09,...] [--no-error-detection] [--replace]
    kaft sip2-account list
    kaft sip2-account deactivate LOGIN

The console face of the desk's kiosk screens (administrators), for whoever sets up kiosks. The
password is best given on standard input (``--password-stdin``) or typed at the prompt (neither
option), so it does not stay in the shell's history. What the account may hold is checked by
:mod:`kaft.sip2.accounts`; a refusal is an error and writes nothing.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.sip2.accounts import (
    KioskAccountError,
    kiosk_account_add,
    kiosk_account_deactivate,
    kiosk_accounts,
)
from kaft.sip2.models import Charset, NameShown, PatronField


def _listed(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _fields(value: str) -> list[PatronField]:
    fields = []
    for code in _listed(value.upper()):
        if code not in PatronField.values:
            allowed = ", ".join(PatronField.values)
            raise CommandError(f"--fields: {code!r} is not one of {allowed}")
        fields.append(PatronField(code))
    return fields


def _branch(isil: str) -> Branch:
    branch = Branch.objects.filter(isil__iexact=isil.strip()).first()
    if branch is None:
        known = ", ".join(Branch.objects.order_by("isil").values_list("isil", flat=True))
        raise CommandError(f"--branch: no branch has ISIL {isil!r} (known: {known or 'none'})")
    return branch


class Command(BaseCommand):
    help = "Add, list or deactivate the accounts self-service kiosks sign in with (SIP2)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="add|list|deactivate")
        add = actions.add_parser("add", help="add a kiosk account (or --replace one)")
        add.add_argument("login", help="the login name the kiosk sends (CN)")
        secret = add.add_mutually_exclusive_group()
        secret.add_argument("--password", help="the password (it stays in the shell's history)")
        secret.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )
        add.add_argument("--branch", required=True, help="the ISIL of the kiosk's branch")
        add.add_argument("--name", default="", help="the name members see (default: the login)")
        add.add_argument("--charset", choices=Charset.values, default=Charset.UTF8.value)
        add.add_argument("--name-shown", choices=NameShown.values, default=NameShown.FIRST.value)
        add.add_argument(
            "--fields", default="", help="extra member fields it receives: BD,BE,BF,PB (none)"
        )
        add.add_argument(
            "--messages", default="", help="the SIP2 requests it may send, e.g. 11,09,29 (all)"
        )
        add.add_argument(
            "--no-error-detection",
            action="store_true",
            help="neither check nor send sequence numbers and checksums (AY/AZ)",
        )
        add.add_argument(
            "--replace", action="store_true", help="give an existing account these settings"
        )
        actions.add_parser("list", help="list the kiosk accounts")
        deactivate = actions.add_parser("deactivate", help="stop an account from signing in")
        deactivate.add_argument("login")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "add":
                self._add(options)
            elif options["action"] == "list":
                self._list()
            else:
                account = kiosk_account_deactivate(login=options["login"])
                self.stdout.write(f"Kiosk account {account.login} deactivated")
        except KioskAccountError as refused:
            raise CommandError(refused.message) from None

    def _password(self, options: dict[str, Any]) -> str:
        if options["password"] is not None:
            return str(options["password"])
        if options["password_stdin"]:
            return sys.stdin.readline().rstrip("\r\n")
        if not sys.stdin.isatty():
            raise CommandError("give --password-stdin (or --password) when not at a terminal")
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise CommandError("the two passwords are not the same")
        return first

    def _add(self, options: dict[str, Any]) -> None:
        branch = _branch(options["branch"])
        fields = _fields(options["fields"])
        password = self._password(options)
        account = kiosk_account_add(
            login=options["login"],
            password=password,
            branch=branch,
            name=options["name"],
            charset=Charset(options["charset"]),
            name_shown=NameShown(options["name_shown"]),
            patron_fields=fields,
            messages=_listed(options["messages"]),
            error_detection=not options["no_error_detection"],
            replace=options["replace"],
        )
        self.stdout.write(
            f"Kiosk account {account.login} ({account.name}) at {branch.name} ({branch.isil}), "
            f"{account.charset}"
        )

    def _list(self) -> None:
        rows = [("LOGIN", "NAME", "BRANCH", "CHARSET", "LAST SIGNED IN", "ACTIVE")]
        for account in kiosk_accounts():
            last = account.last_login_at
            rows.append(
                (
                    account.login,
                    account.name,
                    account.branch.isil,
                    account.charset,
                    timezone.localtime(last).strftime("%d-%m-%Y %H:%M") if last else "-",
                    "yes" if account.active else "no",
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
