"""Someone joins online and borrows after the desk checks their ID: the portal's form, the mail
on a real SMTP server, the link, the login, a refused loan, the desk's *Identiteit
gecontroleerd*, and then a loan at the desk."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from kaft.circulation.models import Loan, LoanStatus
from kaft.members.models import Member, MemberAction
from tests.factories import (
    BranchFactory,
    ItemFactory,
    LoanRuleFactory,
    MemberCategoryFactory,
    RecordFactory,
    StaffFactory,
)
from tests.smtp import smtp_server

__all__ = ["smtp_server"]
PASSWORD = "een lange zin als wachtwoord"


def _desk_client(staff: Any, branch: Any) -> Client:
    client = Client()
    client.force_login(staff)
    assert client.post(reverse("desk:branch"), {"branch": branch.pk}).status_code in (200, 302)
    return client


def _scan(client: Client, value: str) -> str:
    shown = str(client.session.get("desk_member_id", ""))
    response = client.post(
        reverse("desk:scan"), {"value": value, "member": shown}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200, response.content
    return response.content.decode("unicode_escape")


@pytest.mark.django_db(transaction=True)  # on_commit must really fire: mail after commit
def test_someone_joins_online_and_borrows_after_the_desk_checks_their_id(
    smtp_server: Any,
) -> None:
    cache.clear()
    LoanRuleFactory.create()
    branch = BranchFactory.create(code="centrum", name="Centrale Bibliotheek", isil="NL-KaftS")
    MemberCategoryFactory.create(code="jeugd", name="Jeugd", max_age=18, annual_fee=0)
    adult = MemberCategoryFactory.create(code="volwassen", name="Volwassene")
    item = ItemFactory.create(
        home_branch=branch, barcode="3000555566667", record=RecordFactory.create(title="Het diner")
    )
    staff = StaffFactory.create(profile__branch=branch)

    # A person joins in the portal (in Dutch)
    portal = Client()
    joined = portal.post(
        reverse("portal:signup"),
        {
            "first_name": "Noor",
            "name_prefix": "van",
            "last_name": "Dijk",
            "date_of_birth": "1991-09-30",
            "home_street": "Lindelaan",
            "home_house_number": "8",
            "home_postcode": "3521 AB",
            "home_city": "Utrecht",
            "email": "noor@example.org",
            "new_password": PASSWORD,
            "new_password_again": PASSWORD,
            "preferred_language": "nl",
            "home_branch": str(branch.pk),
        },
    )
    assert joined.status_code == 302
    member = Member.objects.get(email="noor@example.org")
    assert member.category == adult
    assert member.card_number in portal.get(joined["Location"]).content.decode()

    # and gets the mail with the card number and the link
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["noor@example.org"]
    assert member.card_number in mail.body
    assert "identiteitsbewijs" in mail.body
    found = re.search(r"\S+/lid-worden/bevestigen/\?t=\S+", mail.body)
    assert found is not None
    link = urlsplit(found.group(0))

    # follows it, confirms and logs in
    portal.get(f"{link.path}?{link.query}")
    assert portal.post(reverse("portal:signup_confirm")).status_code == 302
    login = {"username": member.card_number, "password": PASSWORD}
    assert portal.post(reverse("portal:login"), login).status_code == 302
    assert portal.get(reverse("portal:loans")).status_code == 200

    # At the desk lending is refused until the ID was seen
    desk = _desk_client(staff, branch)
    _scan(desk, member.card_number)
    said = _scan(desk, item.barcode)
    assert "identiteitsbewijs" in said
    assert not Loan.objects.filter(member=member).exists()

    # the desk checks the ID document
    checked = desk.post(
        reverse("desk:member_identity_checked", args=[member.pk]),
        {"document_type": "id_card"},
        follow=True,
    )
    assert "De aanmelding is afgerond" in checked.content.decode()
    member.refresh_from_db()
    assert member.identity_document == "id_card"
    assert member.events.filter(action=MemberAction.SIGNUP_COMPLETED, staff=staff).exists()

    # and the member borrows
    _scan(desk, member.card_number)
    _scan(desk, item.barcode)
    loan = Loan.objects.get(item=item, status=LoanStatus.OPEN)
    assert loan.member_id == member.pk
    assert "Het diner" in portal.get(reverse("portal:loans")).content.decode()
