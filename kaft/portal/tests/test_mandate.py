"""MijnBibliotheek's mandate section: the IBAN masked, permission given and withdrawn in one
click each, POST with CSRF only, a wrong IBAN refused with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from kaft.billing.models import Mandate, MandateStatus
from kaft.members.models import Member
from kaft.portal.views.mandate import mandate_section_context
from kaft.privacy.models import ConsentEvent, ConsentPurpose, ConsentVia
from kaft.privacy.services.consent import consent_given

pytestmark = pytest.mark.django_db

PAGE = "/mijn/machtiging/"


def test_a_member_gives_permission_online_and_sees_the_iban_masked(
    member_client: Client, member: Member
) -> None:
    page = member_client.get(PAGE).content.decode()
    assert 'id="mandate-give"' in page and "Toestemming geven" in page

    given = member_client.post(
        reverse("portal:mandate_give"),
        {"iban": "NL91 ABNA 0417 1643 00", "confirmed": "on", "next": PAGE},
    )

    assert given.status_code == 302 and given["Location"] == PAGE
    mandate = Mandate.objects.get(member=member)
    assert (mandate.via, mandate.signed_on) == ("online", dt.date.today())
    shown = member_client.get(PAGE).content.decode()
    assert "NL** **** **** **43 00" in shown
    assert "0417164300" not in shown and "0417 1643" not in shown
    assert mandate.reference in shown
    assert ConsentEvent.objects.get(member=member).via == ConsentVia.PORTAL


def test_withdrawing_is_one_click(member_client: Client, member: Member) -> None:
    member_client.post(
        reverse("portal:mandate_give"), {"iban": "NL91ABNA0417164300", "confirmed": "on"}
    )

    withdrawn = member_client.post(reverse("portal:mandate_withdraw"))

    assert withdrawn.status_code == 302 and withdrawn["Location"] == PAGE
    assert Mandate.objects.get(member=member).status == MandateStatus.ENDED
    assert not consent_given(member=member, purpose=ConsentPurpose.DIRECT_DEBIT)
    context = mandate_section_context(member)
    assert context["mandate_live"] is False


def test_a_wrong_iban_or_no_confirmation_writes_nothing(member_client: Client) -> None:
    wrong = member_client.post(
        reverse("portal:mandate_give"), {"iban": "NL91ABNA0417164301", "confirmed": "on"}
    )
    unconfirmed = member_client.post(reverse("portal:mandate_give"), {"iban": "NL91ABNA0417164300"})

    assert (wrong.status_code, unconfirmed.status_code) == (400, 400)
    assert "Dit is geen geldige IBAN" in wrong.content.decode()
    assert not Mandate.objects.exists() and not ConsentEvent.objects.exists()


def test_posts_need_the_csrf_token_and_a_login(member: Member, client: Client) -> None:
    checked = Client(enforce_csrf_checks=True)
    assert member.user is not None
    checked.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    refused = checked.post(
        reverse("portal:mandate_give"), {"iban": "NL91ABNA0417164300", "confirmed": "on"}
    )
    assert refused.status_code == 403
    assert client.get(PAGE).status_code == 302  # to the login
    assert client.get(reverse("portal:mandate_withdraw")).status_code in (302, 405)
    assert not Mandate.objects.exists()


def test_betalingen_shows_the_mandate_masked_and_withdrawing_returns_there(
    member_client: Client, member: Member
) -> None:
    member_client.post(
        reverse("portal:mandate_give"), {"iban": "NL91ABNA0417164300", "confirmed": "on"}
    )

    page = member_client.get(reverse("portal:payments")).content.decode()

    assert 'id="mandate-iban">NL** **** **** **43 00<' in page
    assert "0417164300" not in page  # the account number never in full
    assert Mandate.objects.get(member=member).reference in page
    withdrawn = member_client.post(
        reverse("portal:mandate_withdraw"), {"next": reverse("portal:payments")}
    )
    assert withdrawn["Location"] == reverse("portal:payments")
    assert Mandate.objects.get(member=member).status == MandateStatus.ENDED
