"""Helpers for the SIP2 handler tests: a signed-in kiosk session, a member with a PIN, requests
built the way a kiosk sends them, and a snapshot of everything a refusal must leave alone."""

from __future__ import annotations

from collections.abc import Iterable

from kaft.billing.models import ChargeEvent, Payment
from kaft.catalog.models import Branch
from kaft.members.models import Member, MemberEvent
from kaft.members.services.kiosk_pin import member_kiosk_pin_set
from kaft.privacy.models import AccessLogEntry
from kaft.sip2 import handlers  # noqa: F401  registers every handler
from kaft.sip2.accounts import kiosk_account_add
from kaft.sip2.models import KioskAccount, NameShown, PatronField
from kaft.sip2.protocol import HANDLERS, Request, Response, Session, sip_date
from tests.factories_circulation import db_state, make_branch, make_member

PIN = "4321"
NOW18 = "20260302    100000"
BLANK18 = " " * 18


def kiosk(
    branch: Branch | None = None,
    *,
    name_shown: NameShown = NameShown.FIRST,
    patron_fields: Iterable[PatronField] = (),
    messages: Iterable[str] = (),
) -> KioskAccount:
    return kiosk_account_add(
        login=f"kiosk-{KioskAccount.objects.count() + 1}",
        password="geheim-wachtwoord",
        branch=branch or make_branch(),
        name="Zelfbediening hal",
        name_shown=name_shown,
        patron_fields=patron_fields,
        messages=messages,
    )


def session(account: KioskAccount | None) -> Session:
    return Session(peer="127.0.0.1:50000", account=account)


def member_with_pin(**kwargs: object) -> Member:
    member = make_member(**kwargs)
    member_kiosk_pin_set(member=member, pin=PIN, staff=None)
    return member


def request(command: str, fixed: str = "", **fields: str) -> Request:
    return Request(command=command, fixed=fixed, fields={k: [v] for k, v in fields.items()})


def send(account: KioskAccount | None, req: Request) -> Response:
    """Answer ``req`` as the server would. A request without AO gets the kiosk's own ISIL, as
    a kiosk sends it; a test that is about AO sends one."""
    if account is not None and "AO" not in req.fields:
        req = Request(req.command, req.fixed, {"AO": [account.branch.isil], **req.fields})
    return HANDLERS[req.command](session(account), req)


def field(response: Response, code: str) -> str | None:
    """The first value of ``code`` in ``response``, or None when it was not sent."""
    return next((value for key, value in response.fields if key == code), None)


def values(response: Response, code: str) -> list[str]:
    return [value for key, value in response.fields if key == code]


def everything() -> dict[str, object]:
    """What any SIP2 message could write: circulation, money, member changes, the access log."""
    return {
        **db_state(),
        "payments": Payment.objects.count(),
        "charge_events": ChargeEvent.objects.count(),
        "member_events": MemberEvent.objects.count(),
        "members": list(Member.objects.order_by("pk").values_list("pk", "status", "block_reason")),
        "access_log": AccessLogEntry.objects.count(),
    }


def checkout(card: str, barcode: str, pin: str | None = PIN, isil: str | None = None) -> Request:
    fields = {"AA": card, "AB": barcode, "AC": ""}
    if isil is not None:
        fields["AO"] = isil
    if pin is not None:
        fields["AD"] = pin
    return request("11", "NN" + sip_date() + BLANK18, **fields)


def checkin(barcode: str) -> Request:
    return request("09", "N" + sip_date() + sip_date(), AP="", AB=barcode, AC="")


def patron_information(card: str, pin: str | None = PIN, summary: str = "") -> Request:
    fields = {"AA": card, "AC": ""}
    if pin is not None:
        fields["AD"] = pin
    return request("63", "005" + sip_date() + f"{summary:<10}", **fields)
