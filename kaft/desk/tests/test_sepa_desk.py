"""The desk's direct debit: a paper mandate at the member's page, and the finance screen that
announces (each member gets the pre-notification), makes the pain.008 file, downloads it again
and reads a bank's returns. Only the finance role reaches the finance screen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaft.billing.models import Mandate, SepaCollection, SepaReturnFile, SepaRun
from kaft.billing.selectors.charges import member_owed
from kaft.billing.services.fees import membership_renew
from kaft.billing.services.sepa_run import xsd_check
from kaft.members.models import MessageType, StaffRole
from kaft.notices.models import Notice
from kaft.privacy.models import AccessLogEntry
from tests.factories import MemberFactory
from tests.factories_desk import staff_login
from tests.factories_security import staff_with_role
from tests.factories_sepa import CREDITOR_ID, adult_category, creditor, files_storage_in, pain_002

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sepa(tmp_path: Path) -> Iterator[None]:
    with creditor(), files_storage_in(tmp_path):
        yield


def test_a_paper_mandate_is_recorded_at_the_desk_and_shown_masked() -> None:
    desk = staff_login(Client(), staff_with_role(StaffRole.DESK))
    member = MemberFactory.create(category=adult_category())
    page = reverse("desk:member_mandate", args=[member.pk])

    recorded = desk.post(
        page, {"iban": "NL44RABO0123456789", "signed_on": "2026-12-01", "confirmed": "on"}
    )

    assert recorded.status_code == 302
    mandate = Mandate.objects.get(member=member)
    assert (mandate.via, mandate.signed_on, mandate.iban) == (
        "paper",
        dt.date(2026, 12, 1),
        "NL44RABO0123456789",
    )
    shown = desk.get(page).content.decode()
    assert "NL** **** **** **67 89" in shown and "0123456789" not in shown
    assert AccessLogEntry.objects.filter(member=member, part="payments").exists()


def test_a_refused_paper_mandate_writes_nothing() -> None:
    desk = staff_login(Client(), staff_with_role(StaffRole.DESK))
    member = MemberFactory.create(category=adult_category())
    page = reverse("desk:member_mandate", args=[member.pk])

    unconfirmed = desk.post(page, {"iban": "NL44RABO0123456789", "signed_on": "2026-12-01"})
    wrong = desk.post(
        page, {"iban": "NL44RABO0123456780", "signed_on": "2026-12-01", "confirmed": "on"}
    )

    assert (unconfirmed.status_code, wrong.status_code) == (400, 400)
    assert not Mandate.objects.exists()


def test_only_the_finance_role_reaches_the_finance_screen() -> None:
    for role in (StaffRole.DESK, StaffRole.PRIVACY_OFFICER, StaffRole.ADMINISTRATOR):
        other = staff_login(Client(), staff_with_role(role, username=f"x-{role}"))
        assert other.get(reverse("desk:sepa")).status_code == 403
        assert other.post(reverse("desk:sepa_announce")).status_code == 403
    finance = staff_login(Client(), staff_with_role(StaffRole.FINANCE, username="fin"))
    assert finance.get(reverse("desk:sepa")).status_code == 200


def test_finance_announces_collects_downloads_and_reads_the_returns(
    django_capture_on_commit_callbacks: object,
) -> None:
    finance_user = staff_with_role(StaffRole.FINANCE, username="fin")
    finance = staff_login(Client(), finance_user)
    desk = staff_login(Client(), staff_with_role(StaffRole.DESK, username="balie"))
    member = MemberFactory.create(category=adult_category(), membership_end=dt.date(2026, 12, 31))
    desk.post(
        reverse("desk:member_mandate", args=[member.pk]),
        {"iban": "NL44RABO0123456789", "signed_on": "2026-12-01", "confirmed": "on"},
    )
    membership_renew(member=member)
    day = timezone.localdate() + dt.timedelta(days=20)

    too_soon = finance.post(
        reverse("desk:sepa_announce"),
        {"announce-collection_date": (timezone.localdate() + dt.timedelta(days=3)).isoformat()},
    )
    assert "minstens 14 dagen" in too_soon.content.decode()
    assert not SepaCollection.objects.exists()

    finance.post(reverse("desk:sepa_announce"), {"announce-collection_date": day.isoformat()})

    notice = Notice.objects.get(member=member, message_type=MessageType.SEPA_PRENOTICE)
    assert "€ 52.00" in notice.subject or "€ 52,00" in notice.subject
    for needed in ("52.00", day.strftime("%d-%m-%Y"), CREDITOR_ID, "**67 89"):
        assert needed in notice.body, needed
    assert Mandate.objects.get(member=member).reference in notice.body
    assert "0123456789" not in notice.body

    made = finance.post(
        reverse("desk:sepa_run"),
        {"run-collection_date": day.isoformat(), "run-format": "pain.008.001.08"},
    )
    assert made.status_code == 302
    run = SepaRun.objects.get()
    assert member_owed(member) == Decimal("0.00")
    download = finance.get(reverse("desk:sepa_run_download", args=[run.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    xsd_check(download.content, "pain.008.001.08")
    assert AccessLogEntry.objects.filter(member=member, purpose="collections").count() == 2

    e2e = SepaCollection.objects.get().end_to_end_id
    upload = SimpleUploadedFile("psr.xml", pain_002([e2e], code="AC04", message_id="PSR-77"))
    read = finance.post(reverse("desk:sepa_returns"), {"returns-file": upload})
    assert read.status_code == 302
    assert member_owed(member) == Decimal("52.00")
    assert Mandate.objects.get(member=member).status == "ended"
    told = Notice.objects.get(member=member, message_type=MessageType.DEBIT_RETURNED)
    assert "de rekening is opgeheven" in told.body

    again = finance.post(
        reverse("desk:sepa_returns"),
        {"returns-file": SimpleUploadedFile("psr.xml", pain_002([e2e], "AC04", "PSR-77"))},
    )
    assert "is al eerder ingelezen" in again.content.decode()
    assert SepaReturnFile.objects.count() == 1
    assert member_owed(member) == Decimal("52.00")
