"""disclosure_record: the one service that records data leaving Kaft; the partner register."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from django.utils import timezone, translation

from kaft.members.models import Member, User
from kaft.privacy.errors import PrivacyError, PrivacyErrorCode
from kaft.privacy.models import DataCategory, Disclosure, LegalBasis, Partner
from kaft.privacy.selectors.transparency import disclosure_rows, disclosures_visible
from kaft.privacy.services.disclosure import disclosure_record, partner_save
from tests.factories import MemberFactory, StaffFactory
from tests.factories_transparency import PartnerFactory, partner_consent

pytestmark = pytest.mark.django_db

C = DataCategory


@pytest.fixture
def member() -> Member:
    return cast(Member, MemberFactory(first_name="Sanne", last_name="Visser"))


@pytest.fixture
def staff() -> User:
    return cast(User, StaffFactory(username="balie1"))


def refused(code: PrivacyErrorCode, english: str, **kwargs: Any) -> None:
    with pytest.raises(PrivacyError) as caught, translation.override("en"):
        disclosure_record(**kwargs)
    assert caught.value.code == code
    with translation.override("en"):
        assert caught.value.message == english
    assert Disclosure.objects.count() == 0


def test_a_disclosure_to_a_partner_takes_its_name_purpose_and_legal_basis(
    member: Member, staff: User
) -> None:
    partner = cast(
        Partner,
        PartnerFactory(
            name="Online Bibliotheek", purpose="E-books lenen", categories=["identity", "contact"]
        ),
    )
    partner_consent(member)

    disclosure = disclosure_record(
        member=member, categories=[C.CONTACT, C.IDENTITY], partner=partner, staff=staff
    )

    disclosure.refresh_from_db()
    assert disclosure.member == member
    assert disclosure.partner == partner
    assert disclosure.recipient == "Online Bibliotheek"
    assert disclosure.purpose == "E-books lenen"
    assert disclosure.legal_basis == LegalBasis.CONSENT
    # in the register's order, whatever order they were given in
    assert disclosure.categories == ["identity", "contact"]
    assert disclosure.staff == staff
    assert disclosure.hidden_until is None
    assert abs((timezone.now() - disclosure.at).total_seconds()) < 5


def test_a_disclosure_to_an_authority_needs_recipient_and_legal_basis(member: Member) -> None:
    disclosure = disclosure_record(
        member=member,
        categories=[C.LOANS],
        recipient="Politie",
        purpose="PL-1",
        legal_basis="art. 126nd Sv",
        hidden_until=dt.date(2030, 1, 1),
    )

    assert (disclosure.recipient, disclosure.legal_basis, disclosure.categories) == (
        "Politie",
        "art. 126nd Sv",
        ["loans"],
    )
    assert disclosure.partner is None
    assert disclosure.hidden_until == dt.date(2030, 1, 1)


def test_without_categories_nothing_is_recorded(member: Member) -> None:
    refused(
        PrivacyErrorCode.DISCLOSURE_NO_CATEGORIES,
        "Choose at least one category of data.",
        member=member,
        categories=[],
        recipient="Politie",
        legal_basis="art. 1",
    )


def test_an_unknown_category_is_refused(member: Member) -> None:
    refused(
        PrivacyErrorCode.DISCLOSURE_UNKNOWN_CATEGORY,
        "There is no data category “shoe_size”.",
        member=member,
        categories=["shoe_size"],
        recipient="Politie",
        legal_basis="art. 1",
    )


def test_without_partner_or_recipient_nothing_is_recorded(member: Member) -> None:
    refused(
        PrivacyErrorCode.DISCLOSURE_NO_RECIPIENT,
        "Say who receives the data: choose a partner or fill in the recipient.",
        member=member,
        categories=[C.CONTACT],
        recipient="   ",
        legal_basis="art. 1",
    )


def test_without_legal_basis_nothing_is_recorded(member: Member) -> None:
    refused(
        PrivacyErrorCode.DISCLOSURE_NO_LEGAL_BASIS,
        "Give the legal basis for passing on this data.",
        member=member,
        categories=[C.CONTACT],
        recipient="Politie",
    )


def test_an_inactive_partner_receives_nothing(member: Member) -> None:
    partner = cast(Partner, PartnerFactory(active=False))
    refused(
        PrivacyErrorCode.DISCLOSURE_PARTNER_INACTIVE,
        "This partner organisation is no longer active: no data may go to it.",
        member=member,
        categories=[C.CONTACT],
        partner=partner,
    )


def test_a_row_under_a_non_disclosure_order_is_shown_from_its_end_date(member: Member) -> None:
    open_row = disclosure_record(
        member=member, categories=[C.CONTACT], recipient="A", legal_basis="x"
    )
    hidden = disclosure_record(
        member=member,
        categories=[C.LOANS],
        recipient="Politie",
        legal_basis="art. 126nd Sv",
        hidden_until=dt.date(2027, 6, 1),
    )

    assert list(disclosures_visible(member, dt.date(2027, 5, 31))) == [open_row]
    assert list(disclosures_visible(member, dt.date(2027, 6, 1))) == [hidden, open_row]


def test_the_member_sees_labels_not_codes(member: Member) -> None:
    partner = cast(Partner, PartnerFactory(name="Online Bibliotheek", categories=["contact"]))
    partner_consent(member)
    disclosure_record(member=member, categories=[C.CONTACT], partner=partner)

    with translation.override("en"):
        rows = disclosure_rows(disclosures_visible(member))

    assert rows[0]["recipient"] == "Online Bibliotheek"
    assert rows[0]["legal_basis"] == "Consent (AVG art. 6(1)(a))"
    assert rows[0]["categories"] == ["Contact details and addresses"]
    assert rows[0]["legal"] is False


def test_another_members_disclosures_are_not_listed(member: Member) -> None:
    other = cast(Member, MemberFactory())
    disclosure_record(member=other, categories=[C.CONTACT], recipient="A", legal_basis="x")

    assert list(disclosures_visible(member)) == []


def test_partner_save_creates_and_changes(db: None) -> None:
    partner = partner_save(
        partner=None,
        name=" Online Bibliotheek ",
        purpose="E-books",
        legal_basis=LegalBasis.CONSENT,
        agreement_kind="processor",
        agreement_date=dt.date(2025, 2, 1),
        categories=["membership", "identity"],
        privacy_statement_url="https://ob.example.org/privacy",
    )
    assert (partner.name, partner.categories, partner.active) == (
        "Online Bibliotheek",
        ["identity", "membership"],
        True,
    )

    changed = partner_save(
        partner=partner,
        name="Online Bibliotheek",
        purpose="E-books en luisterboeken",
        legal_basis=LegalBasis.CONTRACT,
        agreement_kind="joint_controller",
        agreement_date=None,
        categories=["membership"],
        active=False,
    )
    partner.refresh_from_db()
    assert changed.pk == partner.pk
    assert (partner.purpose, partner.legal_basis, partner.categories, partner.active) == (
        "E-books en luisterboeken",
        "contract",
        ["membership"],
        False,
    )
    assert Partner.objects.count() == 1


def test_partner_save_refuses_without_categories(db: None) -> None:
    with pytest.raises(PrivacyError) as caught:
        partner_save(
            partner=None,
            name="X",
            purpose="Y",
            legal_basis=LegalBasis.CONSENT,
            agreement_kind="processor",
            agreement_date=None,
            categories=[],
        )
    assert caught.value.code == PrivacyErrorCode.DISCLOSURE_NO_CATEGORIES
    assert Partner.objects.count() == 0


def test_a_partner_receives_only_the_categories_in_the_register(member: Member) -> None:
    partner = cast(Partner, PartnerFactory(categories=["membership", "contact"]))
    partner_consent(member)
    refused(
        PrivacyErrorCode.DISCLOSURE_NOT_AGREED,
        "This partner organisation may not receive these data: Current loans.",
        member=member,
        categories=[C.CONTACT, C.LOANS],
        partner=partner,
    )


def test_a_partner_on_consent_receives_nothing_without_that_consent(member: Member) -> None:
    from kaft.privacy.models import Consent, ConsentPurpose

    partner = cast(Partner, PartnerFactory(categories=["contact"]))
    english = (
        "This member has not given consent for partner services: no data may go to this partner."
    )
    refused(
        PrivacyErrorCode.DISCLOSURE_NO_CONSENT,
        english,
        member=member,
        categories=[C.CONTACT],
        partner=partner,
    )
    # withdrawn is the same as never given
    Consent.objects.create(
        member=member,
        purpose=ConsentPurpose.PARTNER_SERVICES,
        given=False,
        since=timezone.now(),
    )
    refused(
        PrivacyErrorCode.DISCLOSURE_NO_CONSENT,
        english,
        member=member,
        categories=[C.CONTACT],
        partner=partner,
    )
    # a partner on another legal basis needs no consent
    contract = cast(
        Partner, PartnerFactory(categories=["contact"], legal_basis=LegalBasis.CONTRACT)
    )
    assert disclosure_record(member=member, categories=[C.CONTACT], partner=contract).pk
