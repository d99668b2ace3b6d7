"""The privacy officer's retention page: periods within bounds, last runs, rows past their rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.members.models import StaffRole, User
from kaft.privacy.models import AccessLogEntry, RetentionRun, RetentionSetting
from tests.factories import MemberFactory, StaffFactory
from tests.factories_desk import staff_login

URL = reverse("desk:retention")


@pytest.fixture
def officer(central: Branch) -> User:
    return StaffFactory.create(
        username="fg1", profile__branch=central, profile__role=StaffRole.PRIVACY_OFFICER
    )


@pytest.fixture
def officer_client(officer: User) -> Client:
    return staff_login(Client(), officer)


def test_desk_staff_may_not_see_it_nor_the_link(desk: Client) -> None:
    assert desk.get(URL).status_code == 403
    page = desk.get(reverse("desk:checkin")).content.decode()
    assert URL not in page


def test_the_page_shows_each_rule_its_period_bounds_and_rows_past_it(
    officer_client: Client, central: Branch
) -> None:
    member = MemberFactory.create(home_branch=central)
    AccessLogEntry.objects.create(
        member=member, part="loans", at=timezone.now() - dt.timedelta(days=400)
    )
    RetentionRun.objects.create(
        started_at=timezone.now(),
        finished_at=timezone.now(),
        counts={"loan_history": {"circulation.Loan": 3}, "messages": {"notices.Notice": 0}},
    )

    response = officer_client.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="{URL}"' in page  # the link in the menu
    assert 'id="days-messages"' in page and 'value="90" min="30" max="365"' in page
    assert "Retention periods" in page or "Bewaartermijnen" in page
    # one access-log entry is past its 365 days
    assert '<tr id="rule-access_log">' in page
    row = page.split('<tr id="rule-access_log">')[1].split("</tr>")[0]
    assert row.rstrip().endswith("<td>1</td>")
    assert "3" in page.split("retention-runs")[1]
    assert member.last_name not in page


def test_saving_a_period(officer_client: Client, officer: User) -> None:
    response = officer_client.post(URL, {"rule": "messages", "days": "60"})

    assert response.status_code == 302
    assert list(RetentionSetting.objects.values_list("rule", "days", "changed_by")) == [
        ("messages", 60, officer.pk)
    ]
    assert 'value="60" min="30"' in officer_client.get(URL).content.decode()


def test_a_period_outside_the_bounds_is_refused_with_the_reason(officer_client: Client) -> None:
    response = officer_client.post(URL, {"rule": "messages", "days": "10"})

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-messages"' in page
    assert "30" in page.split('id="error-messages"')[1].split("</p>")[0]
    assert RetentionSetting.objects.count() == 0


def test_a_fixed_rule_has_no_form(officer_client: Client) -> None:
    page = officer_client.get(URL).content.decode()
    assert 'id="days-notes"' not in page
    response = officer_client.post(URL, {"rule": "notes", "days": "10"})
    assert response.status_code == 400
    assert RetentionSetting.objects.count() == 0
