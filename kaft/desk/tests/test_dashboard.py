"""The privacy officer's dashboard: counts of what waits, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.members.models import (
    FamilyAccess,
    FamilyAccessStatus,
    GuardianCheck,
    GuardianLink,
    IdentityChangeRequest,
    Member,
    User,
)
from kaft.privacy.models import (
    Consent,
    ConsentPurpose,
    DataCategory,
    ErasureRequest,
    Partner,
    RetentionRun,
    StatementResponse,
    StatementVersion,
)
from kaft.privacy.selectors.transparency import dashboard
from kaft.privacy.services.disclosure import disclosure_record
from tests.factories import MemberFactory
from tests.factories_desk import staff_login
from tests.factories_transparency import PartnerFactory, legal_request, officer, partner_consent

URL = reverse("desk:privacy_dashboard")


@pytest.fixture
def fg(central: Branch) -> User:
    return officer(central, username="fg1", name="Fatima")


def fill(fg: User, central: Branch, n: int) -> None:
    """``n`` of everything the dashboard counts."""
    now = timezone.now()
    version = StatementVersion.objects.create(version=f"v{n}", text_nl="t", text_en="t")
    partner = cast(Partner, PartnerFactory(name=f"Online Bibliotheek {n}", categories=["contact"]))
    for i in range(n):
        member = cast(Member, MemberFactory(home_branch=central))
        other = cast(Member, MemberFactory(home_branch=central))
        legal_request(member, fg, reference=f"PL-{n}-{i}")
        IdentityChangeRequest.objects.create(
            member=member,
            first_name="A",
            last_name="B",
            date_of_birth=dt.date(1990, 1, 1),
            requested_at=now,
        )
        ErasureRequest.objects.create(member=member, requested_at=now)
        FamilyAccess.objects.create(owner=member, grantee=other, requested_at=now, answer_by=now)
        FamilyAccess.objects.create(
            owner=other,
            grantee=member,
            requested_at=now,
            answer_by=now,
            status=FamilyAccessStatus.ACTIVE,
        )
        GuardianLink.objects.create(
            child=member, guardian=other, checked=GuardianCheck.ID_DOCUMENT, recorded_at=now
        )
        StatementResponse.objects.create(member=member, version=version, message="Vraag", at=now)
        Consent.objects.create(
            member=member, purpose=ConsentPurpose.NEWSLETTER, given=True, since=now
        )
        Consent.objects.create(
            member=other, purpose=ConsentPurpose.NEWSLETTER, given=False, since=now
        )
        partner_consent(member)
        disclosure_record(member=member, categories=[DataCategory.CONTACT], partner=partner)
    RetentionRun.objects.create(
        started_at=now, finished_at=now, counts={"access_log": {"privacy.AccessLogEntry": 3}}
    )


def test_desk_staff_may_not_open_it(desk: Client) -> None:
    assert desk.get(URL).status_code == 403
    assert f'href="{URL}"' not in desk.get(reverse("desk:checkin")).content.decode()


def test_it_counts_what_waits(fg: User, central: Branch) -> None:
    fill(fg, central, 3)
    StatementResponse.objects.filter(pk=StatementResponse.objects.first().pk).update(  # type: ignore[union-attr]
        handled_at=timezone.now()
    )

    board = dashboard()

    assert (
        board["legal_open"],
        board["corrections"],
        board["erasures"],
        board["family_requested"],
        board["family_active"],
        board["guardians"],
        board["responses"],
    ) == (3, 3, 3, 3, 3, 3, 2)
    newsletter = next(
        row for row in board["consents"] if row["purpose"] == ConsentPurpose.NEWSLETTER.label
    )
    assert (newsletter["given"], newsletter["refused"]) == (3, 3)
    assert [(row["recipient"], row["n"]) for row in board["disclosures"]] == [
        ("Online Bibliotheek 3", 3)
    ]
    assert board["retention_counts"] == [("Inzagelog", 3)]


def test_the_retention_counts_name_each_rule_and_step_by_its_one_label(db: None) -> None:
    now = timezone.now()
    RetentionRun.objects.create(
        started_at=now,
        finished_at=now,
        counts={
            "messages": {"notices.Notice": 2, "EMAIL_FILE_PATH": 1},
            "erasure_requests": {"privacy.ErasureRequest": 1},
        },
    )

    board = dashboard()

    assert board["retention_counts"] == [
        ("Berichten", 3),
        ("Uitgevoerde verzoeken om een account te verwijderen", 1),
    ]


def test_the_page_shows_the_counts_and_links(fg: User, central: Branch) -> None:
    fill(fg, central, 2)
    client = staff_login(Client(), fg)

    page = client.get(URL).content.decode()

    assert '<dd id="count-legal">2</dd>' in page
    assert '<dd id="count-erasures">2</dd>' in page
    assert '<dd id="count-responses">2</dd>' in page
    assert reverse("desk:legal_requests") in page
    assert reverse("desk:partners") in page
    assert reverse("desk:retention") in page
    assert "Online Bibliotheek 2" in page
    assert f'href="{URL}"' in client.get(reverse("desk:checkin")).content.decode()  # nav link


def test_the_selector_takes_nine_queries_whatever_the_data(
    fg: User, central: Branch, django_assert_num_queries: object
) -> None:
    fill(fg, central, 4)
    with django_assert_num_queries(9):  # type: ignore[operator]
        dashboard()


def test_the_page_takes_as_many_queries_empty_as_full(fg: User, central: Branch) -> None:
    client = staff_login(Client(), fg)
    client.get(URL)
    with CaptureQueriesContext(connection) as empty:
        assert client.get(URL).status_code == 200
    fill(fg, central, 5)
    with CaptureQueriesContext(connection) as full:
        assert client.get(URL).status_code == 200

    assert len(full) == len(empty)
