"""Interests: only with the interests consent, deleted with it, and who chose what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kaft.members.models import Member
from kaft.outreach.errors import OutreachError
from kaft.outreach.errors.interests import InterestErrorCode
from kaft.outreach.models import Interest, InterestKind, MemberInterest
from kaft.outreach.selectors.interests import (
    interest_choices,
    member_interests,
    members_interested_in,
)
from kaft.outreach.services.interests import (
    DEFAULT_INTERESTS,
    interest_choose,
    interest_remove,
    interests_seed_defaults,
    interests_set,
)
from kaft.outreach.services.interests_demo import interests_demo_ensure
from kaft.privacy.models import Consent, ConsentPurpose, ConsentVia
from kaft.privacy.services.consent import consent_set
from kaft.privacy.services.erasure import member_erase
from tests.factories import StaffFactory
from tests.factories_consent import make_child_with_guardian, make_member

pytestmark = pytest.mark.django_db

INTERESTS = ConsentPurpose.INTERESTS


def _interest(code: str = "thrillers", **kwargs: object) -> Interest:
    fields: dict[str, object] = {
        "name_nl": code.capitalize(),
        "name_en": code.capitalize(),
        "kind": InterestKind.GENRE,
        "subjects": code.capitalize(),
        **kwargs,
    }
    return Interest.objects.create(code=code, **fields)


def _consenting(**kwargs: Any) -> Member:
    member = make_member(**kwargs)
    consent_set(member=member, purpose=INTERESTS, given=True, via=ConsentVia.PORTAL)
    return member


def _codes(member: Member) -> list[str]:
    return sorted(
        MemberInterest.objects.filter(member=member).values_list("interest__code", flat=True)
    )


# --- no interests without the consent -----------------------------------------------------------


def test_without_the_consent_choosing_is_refused_and_nothing_is_written() -> None:
    member = make_member()
    thrillers = _interest()

    with pytest.raises(OutreachError) as refused:
        interest_choose(member=member, interest=thrillers)
    assert refused.value.code == InterestErrorCode.NO_CONSENT
    with pytest.raises(OutreachError):
        interests_set(member=member, interests=[thrillers])

    assert MemberInterest.objects.count() == 0


def test_a_withdrawn_consent_refuses_too() -> None:
    member = _consenting()
    consent_set(member=member, purpose=INTERESTS, given=False, via=ConsentVia.PORTAL)

    with pytest.raises(OutreachError):
        interest_choose(member=member, interest=_interest())
    assert MemberInterest.objects.count() == 0


def test_a_parents_yes_that_lapsed_at_16_does_not_count() -> None:
    child, parent = make_child_with_guardian()
    consent_set(
        member=child, purpose=INTERESTS, given=True, via=ConsentVia.GUARDIAN, guardian=parent
    )
    thrillers = _interest()
    interest_choose(member=child, interest=thrillers)  # the parent's yes counts while under 16
    child.date_of_birth = timezone.localdate() - dt.timedelta(days=17 * 366)
    child.save(update_fields=["date_of_birth"])

    with pytest.raises(OutreachError):
        interest_choose(member=child, interest=_interest("fantasy"))
    assert list(members_interested_in("thrillers")) == []


def test_removing_needs_no_consent() -> None:
    member = _consenting()
    thrillers = _interest()
    interest_choose(member=member, interest=thrillers)
    Consent.objects.filter(member=member).update(given=False)  # as if the hook had failed

    assert interest_remove(member=member, interest=thrillers) is True
    assert interests_set(member=member, interests=[]).removed == 0
    assert _codes(member) == []


# --- choosing and removing ----------------------------------------------------------------------


def test_choose_and_remove() -> None:
    member = _consenting()
    thrillers, fantasy = _interest(), _interest("fantasy")

    interest_choose(member=member, interest=thrillers)
    interest_choose(member=member, interest=thrillers)  # again: nothing new
    interest_choose(member=member, interest=fantasy)
    assert _codes(member) == ["fantasy", "thrillers"]

    assert interest_remove(member=member, interest=thrillers) is True
    assert interest_remove(member=member, interest=thrillers) is False
    assert _codes(member) == ["fantasy"]


def test_set_adds_and_removes_at_once() -> None:
    member = _consenting()
    thrillers, fantasy, cooking = _interest(), _interest("fantasy"), _interest("koken")
    interests_set(member=member, interests=[thrillers, fantasy])

    change = interests_set(member=member, interests=[fantasy, cooking])

    assert (change.added, change.removed) == (1, 1)
    assert _codes(member) == ["fantasy", "koken"]


def test_an_interest_no_longer_offered_cannot_be_chosen() -> None:
    member = _consenting()
    old = _interest("oud", active=False)

    with pytest.raises(OutreachError) as refused:
        interest_choose(member=member, interest=old)
    assert refused.value.code == InterestErrorCode.NOT_OFFERED
    with pytest.raises(OutreachError):
        interests_set(member=member, interests=[old])
    assert MemberInterest.objects.count() == 0


# --- withdrawing the consent deletes them, wherever it is done ----------------------------------


@pytest.mark.parametrize("via", [ConsentVia.PORTAL, ConsentVia.DESK])
def test_withdrawing_the_consent_deletes_all_interests_at_once(via: ConsentVia) -> None:
    member = _consenting()
    other = _consenting()
    interests_set(member=member, interests=[_interest(), _interest("fantasy")])
    interest_choose(member=other, interest=Interest.objects.get(code="thrillers"))
    staff = StaffFactory.create() if via == ConsentVia.DESK else None

    consent_set(member=member, purpose=INTERESTS, given=False, via=via, staff=staff)

    assert _codes(member) == []
    assert _codes(other) == ["thrillers"]  # another member's choice stays


def test_withdrawing_another_consent_keeps_the_interests() -> None:
    member = _consenting()
    consent_set(
        member=member, purpose=ConsentPurpose.LOAN_HISTORY, given=True, via=ConsentVia.PORTAL
    )
    interest_choose(member=member, interest=_interest())

    consent_set(
        member=member, purpose=ConsentPurpose.LOAN_HISTORY, given=False, via=ConsentVia.PORTAL
    )

    assert _codes(member) == ["thrillers"]


def test_erasure_deletes_the_interests() -> None:
    member = _consenting()
    interest_choose(member=member, interest=_interest())

    member_erase(member=member)

    assert MemberInterest.objects.count() == 0
    assert Interest.objects.filter(code="thrillers").exists()  # the library's list stays


# --- who chose what: for newsletters "by interest" ----------------------------------------------


def test_members_interested_in_only_those_with_the_consent_now() -> None:
    thrillers = _interest()
    keeps, withdraws, other_interest = _consenting(), _consenting(), _consenting()
    for member in (keeps, withdraws):
        interest_choose(member=member, interest=thrillers)
    interest_choose(member=other_interest, interest=_interest("fantasy"))
    assert set(members_interested_in("thrillers")) == {keeps, withdraws}

    consent_set(member=withdraws, purpose=INTERESTS, given=False, via=ConsentVia.PORTAL)

    assert list(members_interested_in("thrillers")) == [keeps]


def test_members_interested_in_never_counts_a_choice_without_consent() -> None:
    """A choice left without the consent (written around the service) is never used."""
    member = make_member()
    MemberInterest.objects.create(member=member, interest=_interest(), chosen_at=timezone.now())

    assert list(members_interested_in("thrillers")) == []


def test_members_interested_in_skips_an_interest_no_longer_offered_and_unknown_codes() -> None:
    member = _consenting()
    thrillers = _interest()
    interest_choose(member=member, interest=thrillers)
    Interest.objects.filter(pk=thrillers.pk).update(active=False)

    assert list(members_interested_in("thrillers")) == []
    assert list(members_interested_in("bestaat-niet")) == []


def test_interest_choices_lists_the_offered_interests_in_order() -> None:
    _interest("thrillers", order=2, name_nl="Thrillers")
    _interest("fantasy", order=1, name_nl="Fantasy")
    _interest("oud", active=False)

    assert interest_choices() == [("fantasy", "Fantasy"), ("thrillers", "Thrillers")]


def test_member_interests_shows_only_offered_ones() -> None:
    member = _consenting()
    interests_set(member=member, interests=[_interest(), _interest("fantasy")])
    Interest.objects.filter(code="fantasy").update(active=False)

    assert [chosen.interest.code for chosen in member_interests(member)] == ["thrillers"]


# --- the library's list and the demo ------------------------------------------------------------


def test_the_suggested_list_is_added_once_and_keeps_the_librarys_changes() -> None:
    assert interests_seed_defaults() == len(DEFAULT_INTERESTS)
    Interest.objects.filter(code="thrillers").update(name_nl="Spanning", active=False)

    assert interests_seed_defaults() == 0
    assert Interest.objects.get(code="thrillers").name_nl == "Spanning"
    names = set(Interest.objects.values_list("name_nl", flat=True))
    assert {"Kookboeken", "Peuters en kleuters", "Taal en lezen (NT2)", "Lezingen"} <= names
    kinds = set(Interest.objects.values_list("kind", flat=True))
    assert kinds == set(InterestKind.values)


def test_the_demo_gives_some_adults_consent_and_interests() -> None:
    adults = [make_member() for _ in range(10)]
    child, _parent = make_child_with_guardian()

    given = interests_demo_ensure(members=[*adults, child], share=0.5)

    assert given > 0
    chose = set(MemberInterest.objects.values_list("member_id", flat=True))
    assert len(chose) == given and child.pk not in chose
    assert Consent.objects.filter(purpose=INTERESTS, given=True).count() == given
    assert interests_demo_ensure(members=[*adults, child], share=0.5) == 0


def test_seed_dates_are_now() -> None:
    member = _consenting()
    chosen = interest_choose(member=member, interest=_interest())

    assert abs(chosen.chosen_at - timezone.now()) < dt.timedelta(minutes=1)
