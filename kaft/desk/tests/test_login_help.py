"""Lost login at the desk: check identity, record only the outcome, hand over a one-time code."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from kaft.members.models import IdentityCheck, Member, MessageType, ResetCode, StaffRole
from kaft.notices.models import Notice
from kaft.privacy.models import AccessLogEntry
from tests.factories_desk import staff_login
from tests.factories_security import member_at_home, staff_with_role

pytestmark = pytest.mark.django_db
QUESTIONS = {
    "method": "questions",
    "date_of_birth": "1985-04-12",
    "postcode": "1234 AB",
    "house_number": "12a",
    "delivery": "print",
}


@pytest.fixture(autouse=True)
def _english(client: Client) -> None:
    cache.clear()
    client.cookies["django_language"] = "en"


@pytest.fixture
def member() -> Member:
    return member_at_home(card_number="21000000000055", email="lid@example.org")


@pytest.fixture
def desk(client: Client) -> Client:
    return staff_login(client, staff_with_role(StaffRole.DESK))


def _url(member: Member) -> str:
    return f"/desk/members/{member.pk}/login-help/"


def test_the_page_logs_the_look_and_asks_no_document_number(desk: Client, member: Member) -> None:
    page = desk.get(_url(member))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Lost login" in html and member.full_name in html
    assert "document_number" not in html
    assert list(AccessLogEntry.objects.filter(member=member).values_list("part", flat=True)) == [
        "identity",
        "contact",
    ]


def test_right_answers_print_a_code_once(desk: Client, member: Member) -> None:
    response = desk.post(_url(member), QUESTIONS)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    code = response.context["code"]
    html = response.content.decode()
    assert code in html and "data-print" in html and "desk/print.js" in html
    check = IdentityCheck.objects.get()
    assert (check.method, check.passed, check.document_type) == ("questions", True, "")
    assert ResetCode.objects.filter(member=member, used_at__isnull=True).count() == 1
    assert code.replace("-", "") not in ResetCode.objects.get().code_hash
    # The code is shown once: the form page does not show it again.
    assert code not in desk.get(_url(member)).content.decode()


def test_a_seen_document_can_send_the_code_by_e_mail(desk: Client, member: Member) -> None:
    response = desk.post(
        _url(member), {"method": "document", "document_type": "id_card", "delivery": "email"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/desk/members/{member.pk}/"
    notice = Notice.objects.get()
    assert (notice.message_type, notice.recipient) == (MessageType.PASSWORD_RESET, member.email)
    check = IdentityCheck.objects.get()
    assert (check.method, check.document_type, check.passed) == ("document", "id_card", True)


def test_wrong_answers_give_no_code_and_the_fourth_try_is_refused(
    desk: Client, member: Member
) -> None:
    wrong = {**QUESTIONS, "house_number": "14"}
    for _ in range(3):
        response = desk.post(_url(member), wrong)
        assert response.status_code == 400
        assert "The answers do not match" in response.content.decode()

    refused = desk.post(_url(member), QUESTIONS)

    assert refused.status_code == 400
    assert "Too many failed identity checks" in refused.content.decode()
    assert IdentityCheck.objects.filter(passed=False).count() == 3
    assert not IdentityCheck.objects.filter(passed=True).exists()
    assert not ResetCode.objects.exists()


def test_questions_need_all_three_answers(desk: Client, member: Member) -> None:
    response = desk.post(_url(member), {**QUESTIONS, "postcode": ""})

    assert response.status_code == 400
    assert "Ask the member for this" in response.content.decode()
    assert not IdentityCheck.objects.exists()


def test_e_mail_without_an_address_is_refused_before_any_check(desk: Client) -> None:
    member = member_at_home(email="")
    response = desk.post(_url(member), {**QUESTIONS, "delivery": "email"})

    assert response.status_code == 400
    assert "has no e-mail address" in response.content.decode()
    assert not IdentityCheck.objects.exists()


def test_the_answers_are_not_stored_anywhere(desk: Client, member: Member) -> None:
    from django.apps import apps
    from django.db import connection

    # Answers with a space: they cannot turn up by chance in an id, token or session blob.
    desk.post(_url(member), {**QUESTIONS, "postcode": "9999 ZZ", "house_number": "77 bis"})

    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if model._meta.db_table not in tables:
            continue
        for row in model._default_manager.all().values():
            text = str(row)
            assert "9999 ZZ" not in text and "9999ZZ" not in text and "77 bis" not in text, model
