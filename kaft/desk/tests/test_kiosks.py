"""Kiosk accounts at the desk: administrators only; list, add, change, new password, deactivate."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kaft.catalog.models import Branch
from kaft.members.models import StaffRole, User
from kaft.privacy.models import AccessLogEntry
from kaft.sip2.accounts import kiosk_account_add, kiosk_account_authenticate
from kaft.sip2.models import KioskAccount
from tests.factories import StaffFactory
from tests.factories_desk import staff_login

LIST = reverse("desk:kiosks")
NEW = reverse("desk:kiosk_new")
PASSWORD = "zelfbediening-2026"


@pytest.fixture
def kiosk(central: Branch) -> KioskAccount:
    return kiosk_account_add(
        login="kiosk-centrale", password=PASSWORD, branch=central, name="Zuil bij de ingang"
    )


def form(where: Branch, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "login": "kiosk-west",
        "name": "Zuil West",
        "branch": str(where.pk),
        "charset": "cp850",
        "name_shown": "initials",
        "patron_fields": ["BE"],
        "messages": ["11", "09"],
        "error_detection": "on",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("role", [StaffRole.DESK, StaffRole.PRIVACY_OFFICER, StaffRole.FINANCE])
def test_only_administrators_reach_the_pages_and_see_the_link(
    central: Branch, kiosk: KioskAccount, role: str
) -> None:
    # given
    user = StaffFactory.create(username=f"s-{role}", profile__branch=central, profile__role=role)
    client = staff_login(Client(), user)
    # when / then
    for url in (LIST, NEW, reverse("desk:kiosk_edit", args=[kiosk.pk])):
        assert client.get(url).status_code == 403
    deactivate = reverse("desk:kiosk_deactivate", args=[kiosk.pk])
    assert client.post(deactivate).status_code == 403
    kiosk.refresh_from_db()
    assert kiosk.active is True
    home = client.get(reverse("desk:cash_report" if role == "finance" else "desk:checkin"))
    assert LIST not in home.content.decode()


def test_the_list_shows_each_account_and_no_member_data(
    admin: Client, kiosk: KioskAccount, west: Branch
) -> None:
    # given
    kiosk_account_add(login="kiosk-west", password=PASSWORD, branch=west, charset="cp850")  # type: ignore[arg-type]
    KioskAccount.objects.filter(login="kiosk-west").update(active=False)
    # when
    response = admin.get(LIST)
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="{LIST}" aria-current="page">' in page  # in the menu, as the page shown
    row = page.split(f'<tr id="kiosk-{kiosk.pk}">')[1].split("</tr>")[0]
    assert "<code>kiosk-centrale</code>" in row and "Zuil bij de ingang" in row
    assert "Centrale Bibliotheek" in row and "UTF-8" in row
    assert "nooit" in row or "never" in row
    assert reverse("desk:kiosk_deactivate", args=[kiosk.pk]) in row
    west_row = page.split("<code>kiosk-west</code>")[1].split("</tr>")[0]
    assert "IBM850 (cp850)" in west_row and "kiosk_deactivate" not in west_row
    assert "/deactivate/" not in west_row  # already inactive
    assert AccessLogEntry.objects.count() == 0


def test_adding_an_account_stores_its_settings_and_a_hash(admin: Client, west: Branch) -> None:
    response = admin.post(NEW, form(west))
    assert response.status_code == 302
    account = KioskAccount.objects.get(login="kiosk-west")
    assert (account.name, account.branch, account.charset, account.name_shown) == (
        "Zuil West",
        west,
        "cp850",
        "initials",
    )
    assert account.patron_fields == ["BE"]
    assert account.messages == ["09", "11", "93", "97", "99"]
    assert account.error_detection is True
    assert account.check_password(PASSWORD) and PASSWORD not in account.password
    assert PASSWORD not in str(admin.get(LIST).content)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password": "kort", "password_again": "kort"}, "10"),
        ({"password_again": "iets-heel-anders"}, "password_again"),
        ({"login": "kiosk centrale"}, "login"),
        ({"login": "kiosk-centrale"}, "login"),  # in use
        ({"branch": "999999"}, "branch"),
    ],
)
def test_a_refused_account_says_why_and_writes_nothing(
    admin: Client, kiosk: KioskAccount, west: Branch, changes: dict[str, str], message: str
) -> None:
    # given
    before = list(KioskAccount.objects.values())
    # when
    response = admin.post(NEW, form(west, **changes))
    # then
    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in page and message in page
    assert PASSWORD not in page  # a password is never put back into the form
    assert list(KioskAccount.objects.values()) == before


def test_changing_settings_keeps_the_password_and_a_new_one_replaces_it(
    admin: Client, kiosk: KioskAccount, west: Branch
) -> None:
    url = reverse("desk:kiosk_edit", args=[kiosk.pk])
    page = admin.get(url).content.decode()
    assert 'value="Zuil bij de ingang"' in page and 'name="login"' not in page
    # when: settings only (not active any more), password fields empty
    changes = form(west, login=None, password="", password_again="", error_detection=None)
    assert admin.post(url, changes).status_code == 302
    kiosk.refresh_from_db()
    assert (kiosk.branch, kiosk.charset, kiosk.error_detection, kiosk.active) == (
        west,
        "cp850",
        False,
        False,
    )
    assert kiosk.check_password(PASSWORD)
    # when: a new password, active again
    new = "een-nieuw-wachtwoord"
    changes = form(west, login=None, password=new, password_again=new, active="on")
    assert admin.post(url, changes).status_code == 302
    assert kiosk_account_authenticate(login="kiosk-centrale", password=new) is not None
    assert kiosk_account_authenticate(login="kiosk-centrale", password=PASSWORD) is None


def test_deactivating_stops_the_kiosk_signing_in(admin: Client, kiosk: KioskAccount) -> None:
    response = admin.post(reverse("desk:kiosk_deactivate", args=[kiosk.pk]), follow=True)
    assert response.status_code == 200
    kiosk.refresh_from_db()
    assert kiosk.active is False
    assert kiosk_account_authenticate(login="kiosk-centrale", password=PASSWORD) is None


def test_an_unknown_account_is_not_found(admin: Client) -> None:
    assert admin.get(reverse("desk:kiosk_edit", args=[424242])).status_code == 404
    assert admin.post(reverse("desk:kiosk_deactivate", args=[424242])).status_code == 404


def test_admin_user_fixture_is_an_administrator(admin: Client) -> None:
    user = User.objects.get(username="beheer")
    assert user.staff_profile.role == StaffRole.ADMINISTRATOR
