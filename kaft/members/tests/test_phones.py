"""Phone numbers are kept as E.164 wherever they are entered; a number that is not one is
refused with a clear message, and nothing is written."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from contextlib import redirect_stdout

import pytest
from django.apps import apps

from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import Member
from kaft.members.phones import PhoneField, phone_display, phone_e164, phone_is_mobile
from kaft.members.services.member import AddressInput, member_register, member_update_contact
from tests.factories import BranchFactory, MemberCategoryFactory, MemberFactory


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("06 12345678", "+31612345678"),
        ("06-12 34 56 78", "+31612345678"),
        ("+31 6 12345678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("020-1234567", "+31201234567"),
        ("+32 470 12 34 56", "+32470123456"),
        ("0049 151 23456789", "+4915123456789"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_numbers_are_kept_as_e164(typed: str, kept: str) -> None:
    assert phone_e164(typed) == kept


@pytest.mark.parametrize("typed", ["06 1234", "12345", "telefoon", "+31 6 1234567890123", "0000"])
def test_what_is_not_a_number_is_refused(typed: str) -> None:
    with pytest.raises(MemberError) as refused:
        phone_e164(typed)
    assert refused.value.code == MemberErrorCode.PHONE_INVALID


def test_mobile_numbers_can_get_an_sms_and_display_is_dutch() -> None:
    assert phone_is_mobile("+31612345678") is True
    assert phone_is_mobile("+31201234567") is False
    assert phone_display("+31612345678") == "06 12345678"
    assert phone_display("+32470123456") == "+32 470 12 34 56"


def test_the_form_field_cleans_to_e164_with_the_message() -> None:
    field = PhoneField()
    assert field.clean("06 12345678") == "+31612345678"
    with pytest.raises(Exception, match="geen telefoonnummer dat we kunnen gebruiken"):
        field.clean("06 1234")


@pytest.mark.django_db
def test_registration_keeps_the_number_as_e164() -> None:
    member = member_register(
        first_name="Joost",
        last_name="Berg",
        date_of_birth=dt.date(1980, 1, 1),
        email="joost@example.org",
        phone="06 12345678",
        category=MemberCategoryFactory.create(),
        home_branch=BranchFactory.create(),
        home_address=AddressInput(
            street="Dorpsstraat", house_number="1", postcode="1234AB", city="Ede"
        ),
    )
    assert member.phone == "+31612345678"


@pytest.mark.django_db
def test_registration_with_a_bad_number_registers_nobody() -> None:
    with pytest.raises(MemberError) as refused:
        member_register(
            first_name="Joost",
            last_name="Berg",
            date_of_birth=dt.date(1980, 1, 1),
            email="joost@example.org",
            phone="06 1234",
            category=MemberCategoryFactory.create(),
            home_branch=BranchFactory.create(),
            home_address=AddressInput(
                street="Dorpsstraat", house_number="1", postcode="1234AB", city="Ede"
            ),
        )
    assert refused.value.code == MemberErrorCode.PHONE_INVALID
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_a_contact_change_with_a_bad_number_changes_nothing() -> None:
    member = MemberFactory.create(phone="+31612345678")

    with pytest.raises(MemberError):
        member_update_contact(member=member, phone="06 1234", sms_titles=True)

    member.refresh_from_db()
    assert (member.phone, member.sms_titles) == ("+31612345678", False)


@pytest.mark.django_db
def test_the_migration_normalises_numbers_and_reports_the_unreadable() -> None:
    fine = MemberFactory.create(phone="06 12345678")
    abroad = MemberFactory.create(phone="0032 470 12 34 56")
    kept = MemberFactory.create(phone="+31201234567")
    unreadable = MemberFactory.create(phone="bel na 18u")
    empty = MemberFactory.create(phone="")
    migration = importlib.import_module("kaft.members.migrations.0014_phone_e164")

    out = io.StringIO()
    with redirect_stdout(out):
        migration.to_e164(apps, None)

    phones = dict(Member.objects.values_list("pk", "phone"))
    assert phones == {
        fine.pk: "+31612345678",
        abroad.pk: "+32470123456",
        kept.pk: "+31201234567",
        unreadable.pk: "bel na 18u",  # left as it was
        empty.pk: "",
    }
    assert f"1 member(s), ids {unreadable.pk}" in out.getvalue()
    assert "bel na" not in out.getvalue()
