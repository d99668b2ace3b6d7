"""Letters: born pending for the print run, printed into one PDF with the live name and address
in the envelope's window, sent when staff confirm the run."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.storage import storages

from kaft.members.models import Address, AddressKind, Channel, MessageType
from kaft.notices.errors import NoticeError, NoticeErrorCode
from kaft.notices.letters_pdf import ADDRESS_H, ADDRESS_W, ADDRESS_X, ADDRESS_Y
from kaft.notices.models import (
    DeliveryAttempt,
    Notice,
    NoticeProblem,
    NoticeStatus,
    PrintRun,
    PrintRunStatus,
)
from kaft.notices.services.letters import print_run_build, print_run_confirm, print_run_start
from kaft.notices.services.outbox import notice_queue_hold_ready, notice_send
from tests.factories import StaffFactory
from tests.factories_notices import make_preference, make_ready_hold
from tests.pdftext import pdf_lines, pdf_page_sizes_mm, pdf_text_positions_mm

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 9, 31, tzinfo=dt.UTC)


def _letter(*, postal: bool = False, language: str = "nl", **member: object) -> Notice:
    names = {"first_name": "Joost", "name_prefix": "van den", "last_name": "Berg", **member}
    hold = make_ready_hold(
        member__preferred_language=language, **{f"member__{k}": v for k, v in names.items()}
    )
    assert hold.member is not None
    Address.objects.create(
        member=hold.member,
        kind=AddressKind.HOME,
        street="Lange Nieuwstraat",
        house_number="12a",
        postcode="3512 PH",
        city="Utrecht",
    )
    if postal:
        Address.objects.create(
            member=hold.member,
            kind=AddressKind.POSTAL,
            street="Postbus",
            house_number="400",
            postcode="3500 AK",
            city="Utrecht",
        )
    make_preference(member=hold.member, message_type=MessageType.HOLD_READY, channel=Channel.LETTER)
    notice = notice_queue_hold_ready(hold=hold, now=NOW)
    assert notice is not None
    return notice


def _built(staff=None) -> PrintRun:
    run = print_run_start(staff=staff, now=NOW)
    built = print_run_build(run_id=run.pk, chunk_size=1)
    assert built is not None
    return built


def test_a_letter_waits_for_the_print_run_and_holds_no_name_or_address(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notice = _letter()

    assert callbacks == []  # no worker is asked to send it
    assert (notice.status, notice.recipient, notice.next_attempt_at) == (
        NoticeStatus.PENDING,
        "",
        None,
    )
    assert "Berg" not in notice.body and "Nieuwstraat" not in notice.body
    assert notice_send(notice_id=notice.pk).status == NoticeStatus.PENDING  # type: ignore[union-attr]
    assert not DeliveryAttempt.objects.exists()


def test_the_print_pdf_has_the_letter_with_the_live_name_and_address():
    notice = _letter()
    other = _letter(
        postal=True, language="en", first_name="Amira", name_prefix="", last_name="Haddad"
    )
    Address.objects.filter(member=notice.member, kind=AddressKind.HOME).update(street="Biltstraat")

    run = _built()

    assert (run.status, run.total, run.done) == (PrintRunStatus.READY, 2, 2)
    content = storages["files"].open(run.file).read()
    assert pdf_page_sizes_mm(content) == [(210.0, 297.0)] * 2  # A4, one page per letter
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", content)) == 2
    lines = pdf_lines(content)
    assert "Joost van den Berg" in lines
    assert "Biltstraat 12a" in lines  # as the member row says now, not when queued
    assert "3512 PH  UTRECHT" in lines
    assert "Kaftstad, 1 december 2026" in lines
    assert "Uw reservering ligt klaar" in lines
    assert "De avonden" in " ".join(lines)
    assert "Bibliotheek Kaft" in lines and "Stationsplein 1" in lines
    # the other member's postal address, in English
    assert "Amira Haddad" in lines and "Postbus 400" in lines
    assert "Kaftstad, 1 December 2026" in lines
    assert "Your reservation is ready for pickup" in lines
    assert Notice.objects.get(pk=other.pk).status == NoticeStatus.PENDING  # printed, not yet sent


def test_the_address_sits_in_the_window_of_the_envelope():
    _letter()

    run = _built()

    positions = {
        text: (x, y)
        for text, x, y in pdf_text_positions_mm(storages["files"].open(run.file).read())
    }
    for line in ("Joost van den Berg", "Lange Nieuwstraat 12a", "3512 PH  UTRECHT"):
        x, baseline = positions[line]
        assert x == pytest.approx(ADDRESS_X, abs=1.5)
        assert ADDRESS_Y <= baseline <= ADDRESS_Y + ADDRESS_H
    # the window (90 x 40 mm, 20 mm from the left, 15 mm from the bottom of a 110 mm envelope)
    # shows 55-84 mm from the top of the letter however it slides: the whole block is inside
    assert positions["Joost van den Berg"][1] - 4 >= 55 and positions["3512 PH  UTRECHT"][1] <= 84
    assert ADDRESS_X > 20 and ADDRESS_X + ADDRESS_W <= 110


def test_confirming_the_run_sends_its_letters_once():
    notice = _letter()
    staff = StaffFactory.create()
    run = _built(staff)

    assert print_run_confirm(run=run, staff=staff, now=NOW) == 1

    notice.refresh_from_db()
    assert (notice.status, notice.sent_at, notice.attempts) == (NoticeStatus.SENT, NOW, 1)
    assert list(DeliveryAttempt.objects.values_list("notice_id", "ok")) == [(notice.pk, True)]
    assert (run.status, run.confirmed_by_id) == (PrintRunStatus.CONFIRMED, staff.pk)
    with pytest.raises(NoticeError) as refused:
        print_run_confirm(run=run, staff=staff, now=NOW)
    assert refused.value.code == NoticeErrorCode.PRINT_RUN_NOT_READY
    assert DeliveryAttempt.objects.count() == 1


def test_nothing_to_print_is_refused_and_writes_no_run():
    with pytest.raises(NoticeError) as refused:
        print_run_start(staff=None, now=NOW)
    assert refused.value.code == NoticeErrorCode.NO_LETTERS
    assert not PrintRun.objects.exists()


def test_a_member_without_an_address_at_print_time_is_left_out():
    notice = _letter()
    kept = _letter(first_name="Amira")
    Address.objects.filter(member=notice.member).delete()

    run = _built()

    notice.refresh_from_db()
    assert (notice.status, notice.problem, notice.print_run_id) == (
        NoticeStatus.FAILED,
        NoticeProblem.NO_ADDRESS,
        None,
    )
    assert (run.total, Notice.objects.get(pk=kept.pk).print_run_id) == (1, run.pk)
    assert "Joost van den Berg" not in pdf_lines(storages["files"].open(run.file).read())


def test_the_members_export_shows_letters_and_text_messages_as_it_shows_e_mails():
    from kaft.privacy.services.export import member_export_data

    notice = _letter()
    assert notice.member is not None
    Notice.objects.create(
        member=notice.member,
        message_type=MessageType.DUE_SOON,
        channel=Channel.SMS,
        dedup_key="sms-export",
        recipient="+31612345678",
        subject="Herinnering",
        body="Bibliotheek Kaft: 1 uitlening moet uiterlijk 4-12 terug.",
    )

    rows = member_export_data(notice.member)["categories"]["messages"]["tables"]["notices.Notice"]

    by_channel = {row["channel"]: row for row in rows}
    assert set(by_channel) >= {"Brief", "Sms"}
    assert by_channel["Sms"]["recipient"] == "+31612345678"
    assert by_channel["Sms"]["body"] == "Bibliotheek Kaft: 1 uitlening moet uiterlijk 4-12 terug."
    assert "De avonden" in by_channel["Brief"]["body"]
