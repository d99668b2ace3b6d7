"""Newsletter issues at the desk: Markdown to safe HTML and text, images served by Kaft, the
lifecycle (schedule, cancel), the test send (not counted), the audience."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from typing import Any

import pytest
from django.utils import timezone

from kaft.outreach.errors import OutreachError
from kaft.outreach.errors.newsletter_issues import IssueErrorCode
from kaft.outreach.models import Delivery, IssueAudience, IssueStatus, NewsletterImage
from kaft.outreach.services.newsletter_issues import (
    image_url,
    issue_cancel,
    issue_create,
    issue_image_add,
    issue_preview,
    issue_schedule,
    issue_send_test,
    issue_update,
)
from kaft.outreach.services.newsletter_render import markdown_render
from kaft.outreach.tests.newsletter_issue_factories import (
    marketing_staff,
    png_bytes,
    ready_issue,
)
from tests.factories import BranchFactory
from tests.smtp import SmtpSink, smtp_server

__all__ = ["smtp_server"]

pytestmark = pytest.mark.django_db

HOSTILE = (
    "Welkom!\n\n<script>alert('x')</script>\n\nTekst <script>steal()</script> en "
    '<img src="https://tracker.example/p.gif"> [klik](javascript:alert(1)) '
    "![pixel](https://tracker.example/pixel.gif)\n"
)


def test_markdown_becomes_html_and_plain_text(settings: Any) -> None:
    settings.KAFT_SITE_URL = "https://bieb.example"
    rendered = markdown_render(
        "# Agenda\n\nKom **zaterdag** naar [de bieb](https://bieb.example/).\n\n- voorlezen\n- knutselen\n"
    )
    assert rendered.html == (
        "<h1>Agenda</h1>\n<p>Kom <strong>zaterdag</strong> naar "
        '<a href="https://bieb.example/">de bieb</a>.</p>\n'
        "<ul>\n<li>voorlezen</li>\n<li>knutselen</li>\n</ul>\n"
    )
    assert rendered.text == (
        "Agenda\n\nKom zaterdag naar de bieb (https://bieb.example/).\n\n- voorlezen\n- knutselen\n"
    )


def test_raw_html_and_script_never_pass() -> None:
    rendered = markdown_render(HOSTILE)
    for part in (rendered.html, rendered.text):
        assert "<script" not in part
        assert "tracker.example" not in part
        assert "<img" not in part
    assert 'href="javascript' not in rendered.html  # markdown-it refuses the link
    assert "Welkom!" in rendered.text


def test_only_kafts_own_images_are_shown(settings: Any) -> None:
    settings.KAFT_SITE_URL = "https://bieb.example"
    issue = ready_issue()
    image = issue_image_add(issue=issue, name="poster.png", data=png_bytes(), alt="Poster")
    path = image_url(image)
    rendered = markdown_render(f"![Poster]({path}) ![weg](https://elders.example/a.png)")
    assert f'<img src="https://bieb.example{path}" alt="Poster"' in rendered.html
    assert "elders.example" not in rendered.html
    assert rendered.html.count("<img") == 1


def test_image_is_served_by_kaft_at_its_public_address(client: Any) -> None:
    issue = ready_issue()
    data = png_bytes()
    image = issue_image_add(issue=issue, name="poster.png", data=data)
    response = client.get(image_url(image))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == data
    # Another key, or the right key for another number: not found.
    wrong = image_url(image).replace(f"/{image.pk}-", f"/{image.pk + 1}-")
    assert client.get(wrong).status_code == 404


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "GIF"])
def test_png_jpeg_gif_are_accepted(kind: str) -> None:
    image = issue_image_add(issue=ready_issue(), name="x", data=png_bytes(kind=kind))
    assert (
        image.content_type == {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}[kind]
    )


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"GIF89a not really",
        b"%PDF-1.4",
    ],
)
def test_svg_and_other_files_are_refused(data: bytes) -> None:
    issue = ready_issue()
    with pytest.raises(OutreachError) as refused:
        issue_image_add(issue=issue, name="plaatje.svg", data=data)
    assert refused.value.code == IssueErrorCode.IMAGE_TYPE
    assert NewsletterImage.objects.count() == 0


def test_an_image_over_the_limit_is_refused(settings: Any) -> None:
    settings.KAFT_NEWSLETTER_IMAGE_KB = 1
    with pytest.raises(OutreachError) as refused:
        issue_image_add(
            issue=ready_issue(), name="groot.png", data=png_bytes((400, 400)) + b"\0" * 2048
        )
    assert refused.value.code == IssueErrorCode.IMAGE_TOO_LARGE
    assert NewsletterImage.objects.count() == 0


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + chunk(b"IEND", b"")
    )


def test_a_decompression_bomb_is_refused_as_not_an_image() -> None:
    bomb = _png_claiming(60000, 60000)
    assert len(bomb) < 200
    with pytest.raises(OutreachError) as refused:
        issue_image_add(issue=ready_issue(), name="bom.png", data=bomb)
    assert refused.value.code == IssueErrorCode.IMAGE_TYPE
    assert NewsletterImage.objects.count() == 0


def test_schedule_then_cancel_makes_it_a_draft_again() -> None:
    issue = ready_issue()
    later = timezone.now() + dt.timedelta(days=1)
    issue = issue_schedule(issue=issue, send_at=later)
    assert (issue.status, issue.scheduled_for) == (IssueStatus.SCHEDULED, later)
    with pytest.raises(OutreachError) as refused:
        issue_update(issue=issue, subject="Anders", body="x")
    assert refused.value.code == IssueErrorCode.NOT_EDITABLE
    issue = issue_cancel(issue=issue)
    assert (issue.status, issue.scheduled_for) == (IssueStatus.DRAFT, None)
    with pytest.raises(OutreachError) as again:
        issue_cancel(issue=issue)
    assert again.value.code == IssueErrorCode.MOVE_NOT_ALLOWED


def test_schedule_in_the_past_or_without_text_is_refused() -> None:
    issue = ready_issue(body="")
    with pytest.raises(OutreachError) as past:
        issue_schedule(issue=issue, send_at=timezone.now() - dt.timedelta(minutes=1))
    assert past.value.code == IssueErrorCode.SCHEDULE_IN_PAST
    with pytest.raises(OutreachError) as empty:
        issue_schedule(issue=issue, send_at=timezone.now() + dt.timedelta(hours=1))
    assert empty.value.code == IssueErrorCode.BODY_MISSING
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT


def test_audience_by_branch_needs_a_branch_and_by_interest_a_known_interest() -> None:
    issue = ready_issue()
    with pytest.raises(OutreachError) as no_branch:
        issue_update(issue=issue, subject="s", body="b", audience=IssueAudience.BRANCH)
    assert no_branch.value.code == IssueErrorCode.BRANCH_MISSING
    with pytest.raises(OutreachError) as interest:
        issue_update(
            issue=issue,
            subject="s",
            body="b",
            audience=IssueAudience.INTEREST,
            audience_interest="jeugd",
        )
    assert interest.value.code == IssueErrorCode.INTEREST_UNKNOWN
    branch = BranchFactory.create()
    issue = issue_update(
        issue=issue, subject="s", body="b", audience=IssueAudience.BRANCH, audience_branch=branch
    )
    assert (issue.audience, issue.audience_branch_id) == (IssueAudience.BRANCH, branch.pk)


def test_create_needs_a_subject() -> None:
    with pytest.raises(OutreachError) as refused:
        issue_create(staff=marketing_staff(), subject="  ", body="x")
    assert refused.value.code == IssueErrorCode.SUBJECT_MISSING


def test_test_send_goes_to_the_staff_member_only_and_is_not_counted(smtp_server: SmtpSink) -> None:
    issue = ready_issue(body=HOSTILE)
    staff = marketing_staff(username="redacteur")
    assert issue_send_test(issue=issue, staff=staff) == "redactie@example.org"
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["redactie@example.org"]
    assert mail.subject == "[Test] Nieuws uit de bieb"
    html = mail.message.get_body(preferencelist=("html",))
    assert html is not None
    assert "<script" not in html.get_content()  # type: ignore[attr-defined]
    assert "<script" not in mail.body
    issue.refresh_from_db()
    assert (issue.status, issue.sent_count) == (IssueStatus.DRAFT, 0)
    assert Delivery.objects.count() == 0


def test_test_send_without_own_address_is_refused() -> None:
    staff = marketing_staff(username="zonderadres")
    staff.email = ""
    staff.save()
    with pytest.raises(OutreachError) as refused:
        issue_send_test(issue=ready_issue(), staff=staff)
    assert refused.value.code == IssueErrorCode.NO_OWN_ADDRESS


def test_preview_is_the_rendered_body() -> None:
    assert issue_preview(ready_issue(body="*ja*")).html == "<p><em>ja</em></p>\n"
