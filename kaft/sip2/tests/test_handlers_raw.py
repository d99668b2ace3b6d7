"""The message handlers' refusals over a real socket, frames written by hand: what a kiosk gets
back is a well-formed answer of the right type that says no, and nothing was written."""

from __future__ import annotations

import pytest

from kaft.catalog.models import Item
from kaft.circulation.services import loan_checkout
from kaft.members.services.kiosk_pin import member_kiosk_pin_set
from kaft.sip2 import wire
from kaft.sip2.models import KioskAccount
from kaft.sip2.tests.conftest import KIOSK_LOGIN, KIOSK_PASSWORD
from kaft.sip2.tests.kiosk import everything
from kaft.sip2.tests.rawclient import RawClient, frame
from tests.factories import RecordFactory
from tests.factories_circulation import make_item, make_member

pytestmark = pytest.mark.django_db(transaction=True)

DATE = "20261207    101500"
BLANK = " " * 18


def signed_in(address: tuple[str, int]) -> RawClient:
    link = RawClient(address)
    assert link.send(frame(f"9300CN{KIOSK_LOGIN}|CO{KIOSK_PASSWORD}|", sequence="0")).startswith(
        b"941"
    )
    return link


def test_a_checkout_with_a_wrong_pin_says_no_in_a_12_and_lends_nothing(
    sip2_server: tuple[str, int], kiosk: KioskAccount
) -> None:
    member = make_member(home_branch=kiosk.branch, preferred_language="en")
    member_kiosk_pin_set(member=member, pin="1357", staff=None)
    item = make_item(home_branch=kiosk.branch)
    before = everything()

    with signed_in(sip2_server) as link:
        answer = link.send(
            frame(
                f"11NN{DATE}{BLANK}AONL-KftC|AA{member.card_number}|AB{item.barcode}|AC|AD0000|",
                sequence="1",
            )
        )

    assert answer.startswith(b"120N")  # not ok, no renewal
    assert answer[5:6] == b"N"  # do not desensitize
    assert answer.endswith(b"\r")
    assert "AFThe PIN is not correct.|" in answer.decode()
    assert everything() == before


def test_a_checkin_of_an_unknown_barcode_says_no_in_a_10(
    sip2_server: tuple[str, int], kiosk: KioskAccount
) -> None:
    with signed_in(sip2_server) as link:
        answer = link.send(frame(f"09N{DATE}{DATE}APNL-KftC|AONL-KftC|AB0000000000|AC|"))

    assert answer.startswith(b"100NUN")
    assert "AFEr is geen exemplaar met deze barcode.|" in answer.decode()


def test_an_institution_the_library_does_not_have_is_refused_for_every_message(
    sip2_server: tuple[str, int], kiosk: KioskAccount
) -> None:
    item = make_item(home_branch=kiosk.branch)
    before = everything()

    with signed_in(sip2_server) as link:
        checkin = link.send(
            frame(f"09N{DATE}{DATE}AP|AONL-Elders|AB{item.barcode}|AC|", sequence="1")
        )
        info = link.send(frame(f"17{DATE}AONL-Elders|AB{item.barcode}|", sequence="2"))

    assert checkin.startswith(b"100")
    assert info.startswith(b"1801")
    assert everything() == before


def test_a_title_with_a_field_separator_and_a_line_break_keeps_the_frame_whole(
    sip2_server: tuple[str, int], kiosk: KioskAccount
) -> None:
    record = RecordFactory.create(title="Kaas|en\rbrood")
    item: Item = make_item(home_branch=kiosk.branch, record=record)
    loan_checkout(item=item, member=make_member(), staff=None, branch=kiosk.branch)

    with signed_in(sip2_server) as link:
        answer = link.send(frame(f"17{DATE}AONL-KftC|AB{item.barcode}|", sequence="1"))

    assert answer.count(b"\r") == 1
    assert answer.startswith(b"1804")
    text = answer.decode()
    assert "|AJKaasenbrood|" in text
    assert wire.checksum(answer[: answer.index(b"AZ") + 2]) == answer[-5:-1].decode()
