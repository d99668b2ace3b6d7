"""The message "someone asked for access to your account", through a real SMTP server."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kaft.members.services.family import family_access_request
from kaft.notices.models import Notice, NoticeStatus
from tests.factories import MemberFactory
from tests.smtp import SmtpSink, smtp_server

__all__ = ["smtp_server"]

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)

ENGLISH_BODY = """Dear reader,

A member of the library asked to see your loans and reservations in MijnBibliotheek, and to renew and reserve on your behalf. Who asked is shown there, under "Family / Access".

You decide. Log in to MijnBibliotheek and open "Family / Access" to accept or decline. If you do not answer by Friday 4 December 2026, the request lapses and nothing changes.

Did you not expect this request? Then decline it, or simply do nothing.

Kind regards,
Bibliotheek Kaft

--
This message was sent automatically because someone asked for access to your account. You can always end an access in MijnBibliotheek.
"""

DUTCH_BODY = """Beste lezer,

Een lid van de bibliotheek vroeg om uw leningen en reserveringen in MijnBibliotheek te mogen zien, en namens u te verlengen en te reserveren. Wie dat vroeg, ziet u daar, onder "Gezin / Toegang".

U beslist. Log in op MijnBibliotheek en open "Gezin / Toegang" om het verzoek toe te staan of af te wijzen. Als u niet uiterlijk vrijdag 4 december 2026 antwoordt, vervalt het verzoek en verandert er niets.

Had u dit verzoek niet verwacht? Wijs het dan af, of doe gewoon niets.

Met vriendelijke groet,
Bibliotheek Kaft

--
Dit bericht is automatisch verstuurd omdat iemand toegang tot uw account heeft gevraagd. In MijnBibliotheek kunt u een toegang altijd beëindigen.
"""


def _ask(language: str, capture: Any) -> None:
    owner = MemberFactory.create(
        card_number="21000000000555",
        last_name="Dijk",
        email="mees@example.org",
        preferred_language=language,
    )
    grantee = MemberFactory.create(
        card_number="21000000000777", first_name="Fenna", last_name="Bosch"
    )
    with capture(execute=True):
        family_access_request(
            grantee=grantee, card_number=owner.card_number, last_name="Dijk", now=NOW
        )


def test_the_owner_receives_the_request_in_english(
    smtp_server: SmtpSink, django_capture_on_commit_callbacks: Any
) -> None:
    _ask("en", django_capture_on_commit_callbacks)

    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["mees@example.org"]
    assert mail.subject == "Someone asked for access to your library account"
    assert mail.body == ENGLISH_BODY
    whole = mail.message.as_string()
    # the stored and sent message names nobody: who asked is shown in MijnBibliotheek only
    for private in ("Fenna", "Bosch", "21000000000777", "21000000000555"):
        assert private not in whole
    notice = Notice.objects.get()
    assert (notice.status, notice.language, notice.attempts) == (NoticeStatus.SENT, "en", 1)


def test_the_owner_receives_the_request_in_dutch(
    smtp_server: SmtpSink, django_capture_on_commit_callbacks: Any
) -> None:
    _ask("nl", django_capture_on_commit_callbacks)

    [mail] = smtp_server.wait_for(1)
    assert mail.subject == "Iemand vraagt toegang tot uw bibliotheekaccount"
    assert mail.body == DUTCH_BODY
    assert "Bosch" not in mail.message.as_string()
