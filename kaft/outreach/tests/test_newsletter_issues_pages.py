"""The desk's newsletter screens (administrators only) and the public archive (sent issues
only, no login, no personal data)."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from typing import Any

import pytest
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, encode_multipart
from django.urls import reverse
from django.utils import timezone

from kaft.members.models import StaffRole
from kaft.outreach.models import IssueStatus, NewsletterImage, NewsletterIssue
from kaft.outreach.tests.newsletter_issue_factories import (
    address_subscriber,
    marketing_staff,
    png_bytes,
    ready_issue,
)
from tests.factories import StaffFactory
from tests.factories_desk import staff_login
from tests.smtp import SmtpSink, smtp_server

__all__ = ["smtp_server"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor() -> Client:
    return staff_login(Client(), marketing_staff(username="beheer"))


def test_desk_staff_cannot_open_the_newsletter_screens() -> None:
    client = staff_login(Client(), StaffFactory(profile__role=StaffRole.DESK))
    assert client.get(reverse("desk:newsletter_issues")).status_code == 403


def test_write_preview_and_schedule_an_issue(editor: Client) -> None:
    response = editor.post(
        reverse("desk:newsletter_issue_new"),
        {
            "subject": "Zomerlezen",
            "body": "Lees **mee**!\n\n<script>x()</script>",
            "audience": "all",
        },
    )
    issue = NewsletterIssue.objects.get()
    assert response["Location"] == reverse("desk:newsletter_issue", args=[issue.pk])
    page = editor.get(response["Location"]).content.decode()
    assert "<strong>mee</strong>" in page
    assert "<script>x()" not in page
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    editor.post(
        reverse("desk:newsletter_issue_send", args=[issue.pk]),
        {"date": tomorrow.isoformat(), "time": "09:30"},
    )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SCHEDULED
    assert timezone.localtime(issue.scheduled_for).strftime("%d-%m-%Y %H:%M") == (
        f"{tomorrow:%d-%m-%Y} 09:30"
    )
    listing = editor.get(reverse("desk:newsletter_issues")).content.decode()
    assert f"{tomorrow:%d-%m-%Y} 09:30" in listing
    editor.post(reverse("desk:newsletter_issue_cancel", args=[issue.pk]))
    issue.refresh_from_db()
    assert (issue.status, issue.scheduled_for) == (IssueStatus.DRAFT, None)


def test_upload_an_image_and_refuse_an_svg(editor: Client) -> None:
    issue = ready_issue()
    url = reverse("desk:newsletter_issue_image", args=[issue.pk])
    editor.post(
        url, {"image": SimpleUploadedFile("a.png", png_bytes(), "image/png"), "alt": "Logo"}
    )
    svg = SimpleUploadedFile("b.svg", b"<svg><script>alert(1)</script></svg>", "image/svg+xml")
    refused = editor.post(url, {"image": svg}, follow=True)
    assert "An image must be a PNG, JPEG or GIF file." in refused.content.decode() or (
        "Een afbeelding moet een PNG-, JPEG- of GIF-bestand zijn." in refused.content.decode()
    )
    assert NewsletterImage.objects.filter(issue=issue).count() == 1
    page = editor.get(reverse("desk:newsletter_issue", args=[issue.pk])).content.decode()
    assert "![Logo](/nieuwsbrief/afbeelding/" in page


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    editor: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.KAFT_NEWSLETTER_IMAGE_KB = 1
    editor.cookies["django_language"] = "en"
    issue = ready_issue()
    big = SimpleUploadedFile("groot.png", png_bytes() + b"\0" * 4096, "image/png")
    body = encode_multipart(BOUNDARY, {"image": big})
    reads: list[str] = []

    def watched_read(upload: InMemoryUploadedFile) -> Any:
        reads.append(str(upload.name))
        assert upload.file is not None
        return upload.file.read

    # Only the server's copy of the upload is watched: the body is encoded already.
    monkeypatch.setattr(InMemoryUploadedFile, "read", property(watched_read))
    response = editor.post(
        reverse("desk:newsletter_issue_image", args=[issue.pk]),
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        follow=True,
    )
    assert response.status_code == 200
    assert "An image may be at most 1 kB." in response.content.decode()
    assert reads == []
    assert NewsletterImage.objects.count() == 0


def test_a_decompression_bomb_upload_is_refused_with_a_message(editor: Client) -> None:
    editor.cookies["django_language"] = "en"
    issue = ready_issue()

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    # A valid header claiming 60000 x 60000 pixels, in under 100 bytes.
    header = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + chunk(b"IEND", b"")
    )
    response = editor.post(
        reverse("desk:newsletter_issue_image", args=[issue.pk]),
        {"image": SimpleUploadedFile("bom.png", bomb, "image/png")},
        follow=True,
    )
    assert response.status_code == 200
    assert "An image must be a PNG, JPEG or GIF file." in response.content.decode()
    assert NewsletterImage.objects.count() == 0


def test_test_send_from_the_desk(editor: Client, smtp_server: SmtpSink) -> None:
    issue = ready_issue()
    editor.post(reverse("desk:newsletter_issue_test", args=[issue.pk]))
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["redactie@example.org"]
    issue.refresh_from_db()
    assert (issue.status, issue.sent_count) == (IssueStatus.DRAFT, 0)


def test_send_now_from_the_desk(
    editor: Client, smtp_server: SmtpSink, django_capture_on_commit_callbacks: Any
) -> None:
    address_subscriber("abonnee@example.org")
    issue = ready_issue()
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(reverse("desk:newsletter_issue_send", args=[issue.pk]), {"now": "1"})
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["abonnee@example.org"]
    page = editor.get(reverse("desk:newsletter_issue", args=[issue.pk])).content.decode()
    assert 'id="newsletter-issue-results"' in page
    assert "abonnee@example.org" not in page


def test_the_archive_shows_only_sent_issues(client: Client) -> None:
    sent = ready_issue(subject="Verzonden nummer", body="Tekst <script>evil()</script> **vet**")
    NewsletterIssue.objects.filter(pk=sent.pk).update(
        status=IssueStatus.SENT, sent_at=timezone.now()
    )
    draft = ready_issue(subject="Nog geheim concept")
    scheduled = ready_issue(subject="Gepland nummer")
    NewsletterIssue.objects.filter(pk=scheduled.pk).update(status=IssueStatus.SCHEDULED)
    listing = client.get(reverse("portal:newsletter_archive"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "Verzonden nummer" in page
    assert "Nog geheim concept" not in page and "Gepland nummer" not in page
    shown = client.get(reverse("portal:newsletter_issue", args=[sent.pk])).content.decode()
    assert "<strong>vet</strong>" in shown
    assert "<script>evil" not in shown
    assert "redactie@example.org" not in shown
    assert client.get(reverse("portal:newsletter_issue", args=[draft.pk])).status_code == 404
    assert client.get(reverse("portal:newsletter_issue", args=[scheduled.pk])).status_code == 404
