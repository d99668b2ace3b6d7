"""Joining online: the category by age, the card number at once, the link that confirms the
e-mail address, and the desk's ID check that completes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from kaft.catalog.models import Branch
from kaft.members.auth import members_for_login
from kaft.members.cards import card_number_is_valid
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import (
    EmailChange,
    GuardianCheck,
    IdentityDocument,
    Member,
    MemberAction,
    MemberCategory,
    MemberEvent,
    MessageType,
    User,
)
from kaft.members.services.family import guardian_link
from kaft.members.services.signup import (
    category_for_age,
    signup_complete,
    signup_for_token,
    signup_verify,
)
from kaft.notices.models import Notice
from tests.factories import MemberCategoryFactory, MemberFactory, StaffFactory
from tests.factories_signup import SIGNUP_PASSWORD, signed_up

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()


def _rows() -> tuple[int, ...]:
    return (
        Member.objects.count(),
        User.objects.count(),
        EmailChange.objects.count(),
        Notice.objects.count(),
        MemberEvent.objects.count(),
    )


# --- the category by age ----------------------------------------------------------------------


def test_the_narrowest_age_range_that_holds_the_age_wins(
    adult: MemberCategory, youth: MemberCategory
) -> None:
    senior = MemberCategoryFactory.create(
        code="senior", name="65+", min_age=65, annual_fee=Decimal(40)
    )

    assert category_for_age(0) == youth
    assert category_for_age(17) == youth
    assert category_for_age(18) == adult
    assert category_for_age(64) == adult
    assert category_for_age(65) == senior


def test_equal_ranges_go_to_the_lower_fee_then_the_code(adult: MemberCategory) -> None:
    cheap = MemberCategoryFactory.create(code="zz-basis", name="Basis", annual_fee=Decimal("30.00"))
    same_fee = MemberCategoryFactory.create(
        code="aa-plus", name="Plus", annual_fee=Decimal("30.00")
    )

    assert category_for_age(40) == same_fee
    assert cheap != same_fee


def test_no_range_that_holds_the_age_is_refused() -> None:
    MemberCategoryFactory.create(code="youth", name="Jeugd", min_age=0, max_age=18)
    MemberCategoryFactory.create(code="adult", name="Volwassene", min_age=18, max_age=65)

    with pytest.raises(MemberError) as refused:
        category_for_age(70)
    assert refused.value.code == MemberErrorCode.NO_CATEGORY_FOR_AGE


# --- joining ------------------------------------------------------------------------------------


def test_joining_gives_a_card_number_at_once_and_mails_it_with_the_link(
    branch: Branch, adult: MemberCategory, youth: MemberCategory
) -> None:
    member, token = signed_up(branch, email=" Noor.Bakker@Example.org ")

    assert card_number_is_valid(member.card_number)
    assert member.category == adult
    assert member.email == "noor.bakker@example.org"
    assert member.signed_up_online_at is not None
    assert (member.email_verified_at, member.identity_checked_at) == (None, None)
    assert member.user is not None and member.user.check_password(SIGNUP_PASSWORD)
    assert member.addresses.get().postcode == "3521 AB"
    assert list(member.events.values_list("action", flat=True)) == [MemberAction.SIGNED_UP]
    notice = Notice.objects.get(member=member)
    assert notice.message_type == MessageType.EMAIL_CONFIRM
    assert notice.recipient == "noor.bakker@example.org"
    assert member.card_number in notice.body
    assert f"?t={token}" in notice.body
    assert "7" in notice.body  # the days the link works
    change = EmailChange.objects.get(member=member)
    assert token not in change.token_hash  # only a hash of the link is kept
    assert change.expires_at - change.requested_at == dt.timedelta(days=7)


def test_a_child_gets_the_youth_category(
    branch: Branch, adult: MemberCategory, youth: MemberCategory
) -> None:
    ten_years_ago = timezone.localdate().replace(year=timezone.localdate().year - 10)
    member, _token = signed_up(branch, date_of_birth=ten_years_ago)

    assert member.category == youth


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"date_of_birth": dt.date(2999, 1, 1)}, MemberErrorCode.DATE_OF_BIRTH_FUTURE),
        ({"email": "geen-adres"}, MemberErrorCode.EMAIL_INVALID),
    ],
)
def test_a_refused_sign_up_writes_nothing(
    branch: Branch, adult: MemberCategory, changes: dict[str, object], refusal: str
) -> None:
    before = _rows()

    with pytest.raises(MemberError) as refused:
        signed_up(branch, **changes)  # type: ignore[arg-type]

    assert refused.value.code == refusal
    assert _rows() == before


def test_a_weak_password_is_refused_and_writes_nothing(
    branch: Branch, adult: MemberCategory
) -> None:
    before = _rows()

    with pytest.raises(ValidationError):
        signed_up(branch, password="kort")

    assert _rows() == before


def test_sign_ups_are_limited_per_client_address(branch: Branch, adult: MemberCategory) -> None:
    for n in range(5):
        signed_up(branch, email=f"lid{n}@example.org", client="198.51.100.7")
    before = _rows()

    with pytest.raises(MemberError) as refused:
        signed_up(branch, email="nog-een@example.org", client="198.51.100.7")

    assert refused.value.code == MemberErrorCode.SIGNUP_TOO_MANY
    assert _rows() == before
    signed_up(branch, email="nog-een@example.org", client="198.51.100.8")  # another client may


def test_an_address_already_known_is_accepted_and_the_mail_says_so(
    branch: Branch, adult: MemberCategory
) -> None:
    known = MemberFactory.create(email="noor.bakker@example.org")

    member, _token = signed_up(branch)

    assert member.pk != known.pk
    assert "hoort al bij een bibliotheekpas" in Notice.objects.get(member=member).body  # Dutch
    # the member who has the address still logs in with it: the sign-up's does not count yet
    assert list(members_for_login("noor.bakker@example.org")) == [known]


# --- the link -----------------------------------------------------------------------------------


def test_the_link_confirms_the_address_once(branch: Branch, adult: MemberCategory) -> None:
    member, token = signed_up(branch)
    assert list(members_for_login("noor.bakker@example.org")) == []

    signup_verify(token=token)

    member.refresh_from_db()
    assert member.email_verified_at is not None
    assert not member.awaits_email_verification
    assert member.awaits_identity_check
    assert MemberAction.EMAIL_VERIFIED in member.events.values_list("action", flat=True)
    assert list(members_for_login("noor.bakker@example.org")) == [member]
    with pytest.raises(MemberError) as reused:
        signup_verify(token=token)
    assert reused.value.code == MemberErrorCode.SIGNUP_LINK_INVALID


def test_an_expired_or_wrong_link_confirms_nothing(branch: Branch, adult: MemberCategory) -> None:
    member, token = signed_up(branch)
    later = timezone.now() + dt.timedelta(days=7, minutes=1)

    assert signup_for_token(token, later) is None
    for wrong, when in ((token, later), (token + "x", None), ("", None)):
        with pytest.raises(MemberError) as refused:
            signup_verify(token=wrong, now=when)
        assert refused.value.code == MemberErrorCode.SIGNUP_LINK_INVALID
    member.refresh_from_db()
    assert member.email_verified_at is None


# --- the desk's ID check ------------------------------------------------------------------------


def test_the_id_check_completes_the_sign_up_with_the_document_type_only(
    branch: Branch, adult: MemberCategory
) -> None:
    member, token = signed_up(branch)
    signup_verify(token=token)
    staff = StaffFactory.create(profile__branch=branch)

    signup_complete(member=member, document_type=IdentityDocument.ID_CARD, staff=staff)

    member.refresh_from_db()
    assert member.identity_checked_at is not None
    assert member.identity_document == IdentityDocument.ID_CARD
    assert not member.awaits_identity_check
    event = member.events.get(action=MemberAction.SIGNUP_COMPLETED)
    assert (event.staff, event.note) == (staff, "id_card")


@pytest.mark.parametrize("document", ["", "bsn-123456789", "passport "])
def test_the_id_check_needs_a_known_document_type(
    branch: Branch, adult: MemberCategory, document: str
) -> None:
    member, token = signed_up(branch)
    signup_verify(token=token)

    with pytest.raises(MemberError) as refused:
        signup_complete(member=member, document_type=document, staff=StaffFactory.create())

    assert refused.value.code == MemberErrorCode.IDENTITY_DOCUMENT_REQUIRED
    member.refresh_from_db()
    assert member.identity_checked_at is None


def test_the_id_check_waits_for_the_confirmed_address(
    branch: Branch, adult: MemberCategory
) -> None:
    member, _token = signed_up(branch)
    events = member.events.count()

    with pytest.raises(MemberError) as refused:
        signup_complete(member=member, document_type="passport", staff=StaffFactory.create())

    assert refused.value.code == MemberErrorCode.SIGNUP_EMAIL_NOT_CONFIRMED
    member.refresh_from_db()
    assert (member.identity_checked_at, member.events.count()) == (None, events)


def test_a_member_registered_at_the_desk_or_completed_is_no_sign_up_waiting(
    branch: Branch, adult: MemberCategory
) -> None:
    desk_member = MemberFactory.create()
    member, token = signed_up(branch)
    signup_verify(token=token)
    signup_complete(member=member, document_type="passport", staff=StaffFactory.create())

    for someone in (desk_member, member):
        with pytest.raises(MemberError) as refused:
            signup_complete(member=someone, document_type="passport", staff=StaffFactory.create())
        assert refused.value.code == MemberErrorCode.SIGNUP_NOT_WAITING


def test_a_child_under_16_is_completed_only_with_a_parent_or_guardian_linked(
    branch: Branch, adult: MemberCategory, youth: MemberCategory
) -> None:
    today = timezone.localdate()
    child, token = signed_up(branch, date_of_birth=today.replace(year=today.year - 12))
    signup_verify(token=token)
    staff = StaffFactory.create(profile__branch=branch)

    with pytest.raises(MemberError) as refused:
        signup_complete(member=child, document_type="passport", staff=staff)
    assert refused.value.code == MemberErrorCode.SIGNUP_NEEDS_GUARDIAN

    parent = MemberFactory.create(date_of_birth=dt.date(1980, 1, 1))
    guardian_link(child=child, guardian=parent, checked=GuardianCheck.ID_DOCUMENT, staff=staff)
    signup_complete(member=child, document_type="passport", staff=staff)

    child.refresh_from_db()
    assert child.identity_checked_at is not None
