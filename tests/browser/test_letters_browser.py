"""In a real browser: the desk's print run of letters. The progress bar follows a run being made
(the static script asks for the page again, no inline script), the PDF downloads with the
member's name and address, and confirming the run records the letters as sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from kaft.members.models import Address, AddressKind, Channel, MessageType
from kaft.notices.models import Notice, NoticeStatus, PrintRun, PrintRunStatus
from kaft.notices.services.letters import print_run_build
from tests.browser.conftest import desk_log_in
from tests.factories import BranchFactory, MemberFactory, StaffFactory
from tests.pdftext import pdf_lines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def letters(settings: Any, tmp_path: Path) -> list[Notice]:
    settings.STORAGES = {
        **settings.STORAGES,
        "files": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    centre = BranchFactory.create(code="centrum", name="Centrale Bibliotheek")
    StaffFactory.create(username="balie1", profile__branch=centre)
    made = []
    for n, name in enumerate(("Noor", "Joost")):
        member = MemberFactory.create(first_name=name, last_name="van Dijk", home_branch=centre)
        Address.objects.create(
            member=member,
            kind=AddressKind.HOME,
            street="Lange Nieuwstraat",
            house_number=str(n + 1),
            postcode="3512 PH",
            city="Utrecht",
        )
        made.append(
            Notice.objects.create(
                member=member,
                message_type=MessageType.HOLD_READY,
                channel=Channel.LETTER,
                dedup_key=f"browser-letter-{n}",
                subject="Uw reservering ligt klaar",
                body="Beste lezer,\n\nDe titel die u reserveerde ligt voor u klaar.\n",
            )
        )
    return made


def test_the_print_run_shows_progress_downloads_and_is_confirmed(
    page: Any, live_server: Any, letters: list[Notice]
) -> None:
    base = live_server.url
    # a run being made (as a worker does it), with the first letter in it
    run = PrintRun.objects.create(created_at=timezone.now(), total=1)
    Notice.objects.filter(pk=letters[0].pk).update(print_run=run)
    desk_log_in(page, base)

    page.get_by_role("link", name="Brieven").click()
    page.wait_for_url(f"{base}/desk/letters/")
    assert page.locator("#print-run-progress progress").get_attribute("value") == "0"
    assert "0 van 1 brieven klaar." in page.locator("#print-run-progress").inner_text()
    assert "Noor" not in page.content()

    print_run_build(run_id=run.pk)  # the worker finishes; the script notices and reloads

    page.locator(f"#print-run-{run.pk} .print-run-download").wait_for()
    assert page.locator("#print-run-progress").count() == 0

    with page.expect_download() as download:
        page.locator(f"#print-run-{run.pk} .print-run-download").click()
    lines = pdf_lines(Path(download.value.path()).read_bytes())
    assert "Noor van Dijk" in lines and "Lange Nieuwstraat 1" in lines

    page.locator(f"#print-run-{run.pk} .print-run-confirm").click()
    page.get_by_text("1 brieven zijn nu vastgelegd als verstuurd.").wait_for()
    assert Notice.objects.get(pk=letters[0].pk).status == NoticeStatus.SENT

    # the other letter: a new run from the button, made in-process, ready at once
    page.locator("#print-run-start").click()
    page.get_by_text("De printronde van 1 brieven is gestart.").wait_for()
    newest = PrintRun.objects.order_by("-pk").first()
    assert newest is not None and newest.status == PrintRunStatus.READY
    assert page.locator(f"#print-run-{newest.pk} .print-run-download").is_visible()
