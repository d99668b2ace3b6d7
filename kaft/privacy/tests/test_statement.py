"""Privacy statement versions: drafts, publishing, seen once, responses, the inbox; and the
e-mail about a new version, through a real SMTP server, to newsletter subscribers only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kaft.members.models import MessageType
from kaft.notices.models import Notice, NoticeStatus
from kaft.notices.services.statement import (
    notice_statement_changed,
    notices_statement_changed,
    statement_publish_and_announce,
)
from kaft.privacy.errors import PrivacyError, PrivacyErrorCode
from kaft.privacy.models import (
    ConsentPurpose,
    ConsentVia,
    StatementResponse,
    StatementSeen,
    StatementVersion,
)
from kaft.privacy.selectors.statement import (
    statement_archive,
    statement_html,
    statement_inbox,
    statement_text,
)
from kaft.privacy.services.consent import consent_set
from kaft.privacy.services.statement import (
    statement_current,
    statement_draft_save,
    statement_is_news,
    statement_mark_seen,
    statement_publish,
    statement_respond,
    statement_response_handle,
    statement_unseen,
)
from tests.factories import StaffFactory
from tests.factories_consent import make_member, make_version
from tests.smtp import SmtpSink, smtp_server

__all__ = ["smtp_server"]

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - dt.timedelta(days=400)


def _draft(**kwargs: object) -> StatementVersion:
    fields: dict[str, object] = {
        "version": "2",
        "text_nl": "## Wat wij bewaren\n\nWeinig.",
        "text_en": "## What we keep\n\nLittle.",
        "summary_nl": "Kortere bewaartermijn.",
        "summary_en": "Shorter retention.",
        **kwargs,
    }
    return statement_draft_save(**fields)  # type: ignore[arg-type]


def test_a_fresh_install_has_kafts_own_statement_as_version_1() -> None:
    current = statement_current()

    assert current is not None
    assert current.version == "1" and current.published_at is not None
    assert "Privacyverklaring" in current.text_nl and "Privacy statement" in current.text_en
    html = statement_html(current, "nl")
    assert '<a href="/bewaartermijnen/">Bewaartermijnen</a>' in html
    assert "{library_name}" not in statement_text(current, "en")
    assert "We never sell your data" in statement_text(current, "en")


def test_a_draft_is_saved_and_changed_but_not_public() -> None:
    draft = _draft()
    changed = _draft(version="2b", text_nl="Nieuw.", draft=draft)

    assert changed.pk == draft.pk
    assert (changed.version, changed.text_nl, changed.published_at) == ("2b", "Nieuw.", None)
    assert [v.version for v in statement_archive()] == ["1"]
    current = statement_current()
    assert current is not None and current.version == "1"


def test_drafts_refuse_a_taken_label_missing_text_and_published_versions() -> None:
    draft = _draft()
    published = statement_current()
    assert published is not None

    cases: list[tuple[dict[str, object], PrivacyErrorCode]] = [
        ({"version": "1"}, PrivacyErrorCode.STATEMENT_VERSION_TAKEN),
        ({"version": "3", "text_en": "  "}, PrivacyErrorCode.STATEMENT_TEXT_MISSING),
        ({"version": "3", "draft": published}, PrivacyErrorCode.STATEMENT_ALREADY_PUBLISHED),
    ]
    for kwargs, code in cases:
        with pytest.raises(PrivacyError) as refused:
            _draft(**kwargs)
        assert refused.value.code == code
    assert StatementVersion.objects.count() == 2
    draft.refresh_from_db()
    assert draft.version == "2"
    published.refresh_from_db()
    assert published.text_nl.startswith("# Privacyverklaring")


def test_publishing_makes_it_current_and_is_refused_twice(
    django_capture_on_commit_callbacks: object,
) -> None:
    officer = StaffFactory.create()
    draft = _draft()

    statement_publish(version=draft, staff=officer)

    current = statement_current()
    assert current is not None and current.pk == draft.pk
    assert current.published_by_id == officer.pk
    assert [v.version for v in statement_archive()] == ["2", "1"]
    assert statement_is_news(current) is True
    first_published = current.published_at
    with pytest.raises(PrivacyError) as refused:
        statement_publish(version=draft, staff=officer)
    assert refused.value.code == PrivacyErrorCode.STATEMENT_ALREADY_PUBLISHED
    draft.refresh_from_db()
    assert draft.published_at == first_published


def test_the_first_statement_and_an_old_one_are_not_news() -> None:
    first = statement_current()
    assert statement_is_news(first) is False
    old = make_version("2", published=timezone.now() - dt.timedelta(days=31))
    assert statement_is_news(old) is False
    assert statement_is_news(make_version("3", published=timezone.now())) is True


def test_a_new_version_is_shown_once_to_members_who_joined_before_it() -> None:
    before = make_member()
    published = timezone.now() + dt.timedelta(seconds=1)
    new = make_version("2", published=published)
    after = make_member()
    after.created_at = published + dt.timedelta(seconds=1)
    after.save(update_fields=["created_at"])

    assert statement_unseen(before) == new
    assert statement_unseen(after) is None
    statement_mark_seen(member=before, version=new)
    statement_mark_seen(member=before, version=new)
    assert StatementSeen.objects.filter(member=before).count() == 1
    assert statement_unseen(before) is None


def test_the_first_statement_is_not_shown_at_login() -> None:
    member = make_member()
    StatementVersion.objects.filter(version="1").update(
        published_at=timezone.now() + dt.timedelta(seconds=5)
    )

    assert statement_unseen(member) is None


def test_responses_reach_the_inbox_and_are_handled_once() -> None:
    member = make_member()
    officer = StaffFactory.create()
    current = statement_current()
    assert current is not None

    response = statement_respond(member=member, version=current, message="  Waarom 2 jaar?  ")

    assert (response.message, response.handled_at) == ("Waarom 2 jaar?", None)
    assert list(statement_inbox()) == [response]
    handled = statement_response_handle(response=response, staff=officer)
    assert handled.handled_by_id == officer.pk and handled.handled_at is not None
    assert list(statement_inbox()) == []
    assert list(statement_inbox(handled=True)) == [response]
    with pytest.raises(PrivacyError) as refused:
        statement_response_handle(response=response, staff=officer)
    assert refused.value.code == PrivacyErrorCode.STATEMENT_RESPONSE_HANDLED


def test_empty_responses_and_responses_to_drafts_are_refused() -> None:
    member = make_member()
    current = statement_current()
    assert current is not None
    draft = _draft()

    for version, message, code in [
        (current, "   ", PrivacyErrorCode.STATEMENT_RESPONSE_EMPTY),
        (draft, "Hallo", PrivacyErrorCode.STATEMENT_NOT_PUBLISHED),
    ]:
        with pytest.raises(PrivacyError) as refused:
            statement_respond(member=member, version=version, message=message)
        assert refused.value.code == code
    assert not StatementResponse.objects.exists()


# --- the e-mail about a new version ------------------------------------------------------------


def _subscribers() -> tuple[list[str], list[str]]:
    """Members: two who subscribed, one who withdrew, one who never answered, one other purpose."""
    yes_nl = make_member(email="ja@example.org")
    yes_en = make_member(email="yes@example.org", preferred_language="en")
    withdrew = make_member(email="ingetrokken@example.org")
    make_member(email="nooit@example.org")
    contests = make_member(email="prijsvraag@example.org")
    for member in (yes_nl, yes_en, withdrew):
        consent_set(
            member=member, purpose=ConsentPurpose.NEWSLETTER, given=True, via=ConsentVia.PORTAL
        )
    consent_set(
        member=withdrew, purpose=ConsentPurpose.NEWSLETTER, given=False, via=ConsentVia.PORTAL
    )
    consent_set(member=contests, purpose=ConsentPurpose.CONTESTS, given=True, via=ConsentVia.PORTAL)
    return ["ja@example.org", "yes@example.org"], ["ingetrokken@example.org", "nooit@example.org"]


def test_publishing_emails_newsletter_subscribers_only(
    smtp_server: SmtpSink, django_capture_on_commit_callbacks: object, settings: object
) -> None:
    settings.KAFT_SITE_URL = "https://bieb.example.org"  # type: ignore[attr-defined]
    expected, _left_out = _subscribers()
    draft = _draft()

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        statement_publish_and_announce(version=draft, staff=StaffFactory.create())

    mails = smtp_server.wait_for(2)
    assert sorted(rcpt for mail in mails for rcpt in mail.rcpt_tos) == sorted(expected)
    assert smtp_server.wait_for(3, timeout=0.5) == mails  # nothing more arrives
    by_recipient = {mail.rcpt_tos[0]: mail for mail in mails}
    dutch, english = by_recipient["ja@example.org"], by_recipient["yes@example.org"]
    assert dutch.subject == "Onze privacyverklaring is gewijzigd (versie 2)"
    assert "Kortere bewaartermijn." in dutch.body
    assert "https://bieb.example.org/privacy/" in dutch.body
    assert "https://bieb.example.org/mijn/privacyverklaring/reageren/" in dutch.body
    assert "Shorter retention." in english.body and "version 2" in english.subject
    notices = Notice.objects.filter(message_type=MessageType.STATEMENT_CHANGED)
    assert sorted(notices.values_list("recipient", "status")) == [
        ("ja@example.org", NoticeStatus.SENT),
        ("yes@example.org", NoticeStatus.SENT),
    ]


def test_queueing_is_chunked_constant_per_chunk_and_safe_twice(
    django_capture_on_commit_callbacks: object,
) -> None:
    for n in range(5):
        member = make_member(email=f"lid{n}@example.org")
        consent_set(
            member=member, purpose=ConsentPurpose.NEWSLETTER, given=True, via=ConsentVia.PORTAL
        )
    version = make_version("2", published=timezone.now())

    with CaptureQueriesContext(connection) as captured:
        queued = notices_statement_changed(version=version, chunk_size=2)
    assert queued == 5
    # the yeses of parents that lapsed at 16 (once), three chunks of (find, savepoint, check
    # keys, insert, read back, release) + the last find
    assert len(captured.captured_queries) == 1 + 3 * 6 + 1
    assert notices_statement_changed(version=version, chunk_size=2) == 0
    assert Notice.objects.count() == 5


def test_one_member_notice_is_queued_once() -> None:
    member = make_member()
    version = make_version("2", published=timezone.now())

    first = notice_statement_changed(member=member, version=version)
    again = notice_statement_changed(member=member, version=version)

    assert first.pk == again.pk
    assert first.dedup_key == f"statement_changed:{version.pk}:{member.pk}"
    assert Notice.objects.count() == 1
