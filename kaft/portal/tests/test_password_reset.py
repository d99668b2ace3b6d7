"""A new password from the portal: with a code from the desk, or with a link by e-mail."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from kaft.members.models import IdentityCheckMethod, IdentityDocument, Member, StaffRole, User
from kaft.members.services.recovery import identity_check, reset_code_issue
from kaft.notices.models import Notice
from tests.factories_security import staff_with_role

pytestmark = pytest.mark.django_db
NEW = "een lange nieuwe zin als wachtwoord"


@pytest.fixture(autouse=True)
def _english(client: Client) -> None:
    cache.clear()
    client.cookies["django_language"] = "en"


def _code(member: Member) -> str:
    staff = staff_with_role(StaffRole.DESK)
    check = identity_check(
        member=member,
        staff=staff,
        branch=staff.staff_profile.branch,
        method=IdentityCheckMethod.DOCUMENT,
        document_type=IdentityDocument.PASSPORT,
    )
    return reset_code_issue(member=member, staff=staff, check=check)


def _redeem(client: Client, member: Member, code: str, password: str = NEW) -> Any:
    return client.post(
        "/wachtwoord/code/",
        {
            "card_number": member.card_number,
            "code": code,
            "new_password": password,
            "new_password_again": password,
        },
    )


def test_login_page_links_to_both_ways(client: Client) -> None:
    html = client.get("/inloggen/").content.decode()
    assert 'href="/wachtwoord/vergeten/"' in html
    assert 'href="/wachtwoord/code/"' in html


def test_a_code_sets_the_password_and_the_member_can_log_in(client: Client, member: Member) -> None:
    response = _redeem(client, member, _code(member))

    assert response.status_code == 302
    assert response["Location"] == "/inloggen/"
    login = client.post("/inloggen/", {"username": member.card_number, "password": NEW})
    assert login.status_code == 302


def test_a_wrong_code_is_refused_with_a_clear_message(client: Client, member: Member) -> None:
    _code(member)
    response = _redeem(client, member, "AAAA-BBBB-CCCC")

    assert response.status_code == 400
    assert "This card number and code do not match" in response.content.decode()
    assert not User.objects.get(member__pk=member.pk).check_password(NEW)


def test_a_used_code_is_refused(client: Client, member: Member) -> None:
    code = _code(member)
    _redeem(client, member, code)

    again = _redeem(client, member, code, "weer een andere lange zin")

    assert again.status_code == 400
    assert "already been used" in again.content.decode()


def test_the_password_rules_apply(client: Client, member: Member) -> None:
    response = _redeem(client, member, _code(member), "kort")

    assert response.status_code == 400
    assert "too short" in response.content.decode()


def test_the_forgotten_page_answers_the_same_whether_or_not_it_matched(
    client: Client, member: Member
) -> None:
    known = client.post("/wachtwoord/vergeten/", {"login": member.card_number})
    unknown = client.post("/wachtwoord/vergeten/", {"login": "21999999999999"})

    assert known.status_code == unknown.status_code == 200
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')
    assert strip.sub("", known.content.decode()) == strip.sub("", unknown.content.decode())
    assert Notice.objects.count() == 1


def test_the_e_mailed_link_sets_a_new_password_and_ends_other_sessions(
    client: Client, member: Member, settings: Any
) -> None:
    settings.KAFT_SITE_URL = "https://bieb.example.org"
    elsewhere = Client()
    assert member.user is not None
    elsewhere.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    client.post("/wachtwoord/vergeten/", {"login": member.email})
    link = re.search(
        r"https://bieb\.example\.org(/wachtwoord/nieuw/\?\S+)", Notice.objects.get().body
    )
    assert link is not None

    opened = client.get(link.group(1))
    assert opened.status_code == 302
    assert opened["Location"] == "/wachtwoord/nieuw/"  # the token leaves the address bar
    form = client.get("/wachtwoord/nieuw/")
    assert form.status_code == 200
    done = client.post("/wachtwoord/nieuw/", {"new_password": NEW, "new_password_again": NEW})

    assert done.status_code == 302
    assert User.objects.get(member__pk=member.pk).check_password(NEW)
    assert elsewhere.get("/mijn/").status_code == 302
    # The link is spent.
    client.get(link.group(1))
    spent = client.get("/wachtwoord/nieuw/")
    assert spent.status_code == 400
    assert "no longer valid" in spent.content.decode()


def test_a_forged_link_is_refused(client: Client, member: Member) -> None:
    client.get("/wachtwoord/nieuw/?u=MQ&t=abc-def")
    response = client.post("/wachtwoord/nieuw/", {"new_password": NEW, "new_password_again": NEW})

    assert response.status_code == 400
    assert not User.objects.get(member__pk=member.pk).check_password(NEW)
