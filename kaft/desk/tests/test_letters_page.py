"""The desk's letters page: the waiting letters without names, a print run made (eagerly) into a
PDF, downloaded with an access-log entry per member, confirmed as printed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from kaft.members.models import Address, AddressKind, Channel, Member, MessageType
from kaft.notices.models import Notice, NoticeStatus, PrintRun, PrintRunStatus
from kaft.notices.services.outbox import notice_queue_hold_ready
from kaft.privacy.models import AccessLogEntry, AccessPurpose
from tests.factories import StaffFactory
from tests.factories_notices import make_preference, make_ready_hold
from tests.pdftext import pdf_lines

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 9, 31, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def files_in_tmp(tmp_path: Path) -> Iterator[None]:
    files = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)},
    }
    with override_settings(STORAGES={**settings.STORAGES, "files": files}):
        yield


def letter_for(first_name: str) -> Member:
    hold = make_ready_hold(member__first_name=first_name, member__last_name="Kortenhoeven")
    assert hold.member is not None
    Address.objects.create(
        member=hold.member,
        kind=AddressKind.HOME,
        street="Lange Nieuwstraat",
        house_number="12",
        postcode="3512 PH",
        city="Utrecht",
    )
    make_preference(member=hold.member, message_type=MessageType.HOLD_READY, channel=Channel.LETTER)
    notice_queue_hold_ready(hold=hold, now=NOW)
    assert hold.member is not None
    return hold.member


@pytest.fixture
def desk(client: Client) -> Client:
    staff = StaffFactory.create()
    client.force_login(staff)
    return client


def test_the_page_lists_waiting_letters_without_names(desk: Client):
    letter_for("Wilhelmina")

    page = desk.get(reverse("desk:letters")).content.decode()

    assert "1 brief wacht." in page
    assert "Reservation ready for pickup" in page or "Reservering ligt klaar" in page
    assert "Wilhelmina" not in page and "Kortenhoeven" not in page
    assert not AccessLogEntry.objects.exists()


def test_print_run_download_and_confirm(desk: Client, django_capture_on_commit_callbacks):
    member = letter_for("Wilhelmina")

    with django_capture_on_commit_callbacks(execute=True):  # the task, after commit
        desk.post(reverse("desk:print_run_new"))

    run = PrintRun.objects.get()
    assert (run.status, run.total, run.done) == (PrintRunStatus.READY, 1, 1)
    assert "Download de pdf" in desk.get(reverse("desk:letters")).content.decode()

    download = desk.get(reverse("desk:print_run_pdf"), {"run": run.pk})
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "Wilhelmina Kortenhoeven" in pdf_lines(download.content)
    looks = list(AccessLogEntry.objects.values_list("member_id", "part", "purpose"))
    assert looks == [
        (member.pk, "identity", AccessPurpose.LETTERS),
        (member.pk, "contact", AccessPurpose.LETTERS),
    ]
    assert Notice.objects.get().status == NoticeStatus.PENDING  # a download is not a print

    desk.post(reverse("desk:print_run_printed"), {"run": run.pk})

    assert Notice.objects.get().status == NoticeStatus.SENT
    run.refresh_from_db()
    assert run.status == PrintRunStatus.CONFIRMED


def test_nothing_waiting_makes_no_run(desk: Client):
    response = desk.post(reverse("desk:print_run_new"), follow=True)

    assert "Er wachten geen brieven om geprint te worden." in response.content.decode()
    assert not PrintRun.objects.exists()


def test_a_bad_run_is_not_found(desk: Client):
    assert desk.get(reverse("desk:print_run_pdf"), {"run": "x"}).status_code == 404
    assert desk.post(reverse("desk:print_run_printed"), {"run": "99"}).status_code == 404
