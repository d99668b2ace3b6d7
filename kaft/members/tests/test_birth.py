"""One rule for a date of birth: not in the future, not more than 120 years ago. Every service that
stores one refuses the same dates with the same words, and so does every form that asks for one,
before anything is sent (a correction request for a birth in 2999 is refused like the desk's own
form refuses it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from kaft.members.birth import date_of_birth_check, date_of_birth_earliest
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import IdentityChangeRequest, Member, MemberEvent, RequestStatus
from kaft.members.services.identity import identity_change_approve, identity_change_request
from kaft.members.services.member import AddressInput, member_register, member_update_identity
from tests.factories_desk import staff_login
from tests.factories_rights import make_member, make_staff

TODAY = dt.date(2026, 12, 6)
FUTURE = "The date of birth cannot be in the future."


def too_early(today: dt.date) -> str:
    earliest = date_of_birth_earliest(today).strftime("%d-%m-%Y")
    return f"This date of birth is too long ago: enter a date from {earliest} on."


def refusal(value: dt.date, today: dt.date) -> tuple[object, str]:
    with pytest.raises(MemberError) as caught, translation.override("en"):
        date_of_birth_check(value, today=today)
    with translation.override("en"):
        return caught.value.code, caught.value.message


def test_the_bounds_are_today_and_120_years_ago() -> None:
    assert date_of_birth_earliest(TODAY) == dt.date(1906, 12, 6)
    assert date_of_birth_earliest(dt.date(2020, 2, 29)) == dt.date(1900, 2, 28)
    date_of_birth_check(TODAY, today=TODAY)
    date_of_birth_check(dt.date(1906, 12, 6), today=TODAY)

    assert refusal(dt.date(2026, 12, 7), TODAY) == (MemberErrorCode.DATE_OF_BIRTH_FUTURE, FUTURE)
    assert refusal(dt.date(2999, 1, 1), TODAY) == (MemberErrorCode.DATE_OF_BIRTH_FUTURE, FUTURE)
    assert refusal(dt.date(1906, 12, 5), TODAY) == (
        MemberErrorCode.DATE_OF_BIRTH_TOO_EARLY,
        "This date of birth is too long ago: enter a date from 06-12-1906 on.",
    )
    assert refusal(dt.date.min, TODAY)[0] == MemberErrorCode.DATE_OF_BIRTH_TOO_EARLY


# --- every service that stores a date of birth ----------------------------------------------------


def _request(member: Member, born: dt.date) -> Any:
    return identity_change_request(
        member=member, first_name="Sanne", name_prefix="", last_name="Dijk", date_of_birth=born
    )


def _update(member: Member, born: dt.date) -> Any:
    return member_update_identity(
        member=member,
        first_name=member.first_name,
        name_prefix="",
        last_name=member.last_name,
        date_of_birth=born,
        category=member.category,
        home_branch=member.home_branch,
        membership_end=None,
    )


def _register(member: Member, born: dt.date) -> Any:
    return member_register(
        first_name="Lotte",
        last_name="Visser",
        date_of_birth=born,
        email="lotte@example.org",
        category=member.category,
        home_branch=member.home_branch,
        home_address=AddressInput("Kerkstraat", "1", "3511 AB", "Utrecht"),
    )


def _state() -> list[Any]:
    return [
        list(Member.objects.order_by("pk").values_list("pk", "last_name", "date_of_birth")),
        list(IdentityChangeRequest.objects.values_list("pk", "status")),
        MemberEvent.objects.count(),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("service", [_request, _update, _register], ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("born", "code"),
    [
        (dt.date(2999, 1, 1), MemberErrorCode.DATE_OF_BIRTH_FUTURE),
        (dt.date(1850, 1, 1), MemberErrorCode.DATE_OF_BIRTH_TOO_EARLY),
        (dt.date.max, MemberErrorCode.DATE_OF_BIRTH_FUTURE),
        (dt.date.min, MemberErrorCode.DATE_OF_BIRTH_TOO_EARLY),
    ],
)
def test_every_service_refuses_the_same_dates(
    service: Callable[[Member, dt.date], Any], born: dt.date, code: MemberErrorCode
) -> None:
    member = make_member(last_name="Dijkstra")
    before = _state()

    with pytest.raises(MemberError) as caught:
        service(member, born)

    assert caught.value.code == code
    assert _state() == before


@pytest.mark.django_db
def test_a_request_for_2999_made_before_the_rule_is_not_applied() -> None:
    member = make_member(last_name="Dijkstra")
    waiting = IdentityChangeRequest.objects.create(
        member=member,
        first_name="Sanne",
        last_name="Dijkstra",
        date_of_birth=dt.date(2999, 1, 1),
        requested_at=timezone.now(),
    )
    before = _state()

    with pytest.raises(MemberError) as caught:
        identity_change_approve(request=waiting, document_seen="passport", staff=make_staff())

    assert caught.value.code == MemberErrorCode.DATE_OF_BIRTH_FUTURE
    assert _state() == before
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.PENDING


# --- every form that asks for one -----------------------------------------------------------------


def _portal(member: Member) -> tuple[Client, str, dict[str, str], str]:
    client = Client()
    assert member.user is not None
    client.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    data = {"first_name": "Sanne", "last_name": "Dijk"}
    return client, "/mijn/gegevens/correctie/", data, "date_of_birth"


def _desk_new(member: Member) -> tuple[Client, str, dict[str, str], str]:
    data = {
        "first_name": "Lotte",
        "last_name": "Visser",
        "category": str(member.category.pk),
        "home_branch": str(member.home_branch.pk),
        "email": "lotte@example.org",
        "preferred_language": "nl",
        "street": "Kerkstraat",
        "house_number": "1",
        "postcode": "3511 AB",
        "city": "Utrecht",
    }
    return staff_login(Client(), make_staff()), "/desk/members/new/", data, "date_of_birth"


def _desk_edit(member: Member) -> tuple[Client, str, dict[str, str], str]:
    data = {
        "form": "identity",
        "identity-first_name": "Sanne",
        "identity-last_name": "Dijk",
        "identity-category": str(member.category.pk),
        "identity-home_branch": str(member.home_branch.pk),
    }
    url = f"/desk/members/{member.pk}/edit/"
    return staff_login(Client(), make_staff()), url, data, "identity-date_of_birth"


@pytest.mark.django_db
@pytest.mark.parametrize("form", [_portal, _desk_new, _desk_edit], ids=lambda f: f.__name__)
@pytest.mark.parametrize("born", ["2999-01-01", "1850-01-01", "0001-01-01", "9999-12-31"])
def test_every_form_says_the_same_before_anything_is_sent(
    form: Callable[[Member], tuple[Client, str, dict[str, str], str]], born: str
) -> None:
    member = make_member(last_name="Dijkstra")
    client, url, data, field = form(member)
    before = _state()
    today = timezone.localdate()
    expected = FUTURE if born > today.isoformat() else too_early(today)

    client.cookies["django_language"] = "en"
    response = client.post(url, {**data, field: born})

    assert response.status_code in (200, 400)
    errors = _form_errors(response)
    assert errors == {field.split("-")[-1]: [expected]}
    assert _state() == before


def _form_errors(response: Any) -> dict[str, list[str]]:
    """The errors of the bound form with errors on the page (there is one)."""
    from django.forms import BaseForm

    found = []
    for context in response.context:
        for layer in context.dicts:
            for value in layer.values() if isinstance(layer, dict) else []:
                if isinstance(value, BaseForm) and value.is_bound and value.errors:
                    found.append(value)
    assert len({id(f) for f in found}) == 1, found
    return {name: [str(m) for m in messages] for name, messages in found[0].errors.items()}
