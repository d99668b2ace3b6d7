"""Tips "Misschien ook iets voor u": from interests, and from the loan history only for members
who keep it; never titles already borrowed, on loan or reserved; only lendable titles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

from kaft.catalog.models import Audience, Branch, ItemStatus, ItemType, Record
from kaft.circulation.models import HoldStatus, LoanStatus
from kaft.members.models import Member
from kaft.outreach.models import Interest, InterestKind
from kaft.outreach.selectors.interests_tips import member_tips
from kaft.outreach.services.interests import interests_set
from kaft.privacy.models import ConsentPurpose, ConsentVia
from kaft.privacy.services.consent import consent_set
from tests.factories import BranchFactory, ItemFactory, RecordFactory
from tests.factories_consent import make_member
from tests.factories_portal import HoldFactory, LoanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch() -> Branch:
    return BranchFactory.create(code="centrum", name="Centrale Bibliotheek")


def _title(
    branch: Branch,
    title: str,
    *,
    subjects: str = "",
    author: str = "Jansen, Anna",
    status: ItemStatus = ItemStatus.AVAILABLE,
    item_type: ItemType = ItemType.BOOK,
    audience: Audience = Audience.ADULT,
) -> Record:
    record: Record = RecordFactory.create(
        title=title, subjects=subjects, contributors=author, audience=audience
    )
    ItemFactory.create(record=record, home_branch=branch, status=status, item_type=item_type)
    return record


def _interest(code: str, subjects: str, kind: InterestKind = InterestKind.GENRE) -> Interest:
    name = code.capitalize()
    return Interest.objects.create(
        code=code, name_nl=name, name_en=name, kind=kind, subjects=subjects
    )


def _member(*interests: Interest, history: bool = False) -> Member:
    member = make_member()
    consent_set(member=member, purpose=ConsentPurpose.INTERESTS, given=True, via=ConsentVia.PORTAL)
    if history:
        consent_set(
            member=member, purpose=ConsentPurpose.LOAN_HISTORY, given=True, via=ConsentVia.PORTAL
        )
    interests_set(member=member, interests=interests)
    return member


def _borrowed(member: Member, record: Record, branch: Branch, days_ago: int = 10) -> None:
    item = ItemFactory.create(record=record, home_branch=branch)
    LoanFactory.create(
        member=member,
        item=item,
        status=LoanStatus.RETURNED,
        checked_out_at=timezone.now() - dt.timedelta(days=days_ago),
        returned_at=timezone.now() - dt.timedelta(days=days_ago - 5),
    )


def _titles(member: Member) -> list[str]:
    return sorted(tip.record.title for tip in member_tips(member))


# --- from interests -----------------------------------------------------------------------------


def test_tips_match_the_chosen_interests_and_say_why(branch: Branch) -> None:
    _title(branch, "Moord in Leesdam", subjects="Thrillers")
    _title(branch, "Een speurder", subjects="Romans\nDetectives")
    _title(branch, "De draak", subjects="Fantasy")
    _title(branch, "Brood bakken", subjects="Koken")
    member = _member(_interest("thrillers", "Thrillers\nDetectives"))

    tips = member_tips(member)

    assert sorted(tip.record.title for tip in tips) == ["Een speurder", "Moord in Leesdam"]
    with override("en"):
        assert {tip.reason for tip in tips} == {"Because you like Thrillers"}
    assert all(tip.available_at == ["Centrale Bibliotheek"] for tip in tips)


def test_a_subject_matches_a_whole_line_in_any_case(branch: Branch) -> None:
    _title(branch, "Streekroman", subjects="Streekromans")
    _title(branch, "Roman", subjects="Verhalen\nROMANS")
    member = _member(_interest("romans", "Romans"))

    assert _titles(member) == ["Roman"]


def test_an_age_group_only_gives_titles_for_its_audience(branch: Branch) -> None:
    _title(branch, "Kikker", subjects="Prentenboeken", audience=Audience.YOUTH)
    _title(branch, "Prenten van Escher", subjects="Prentenboeken", audience=Audience.ADULT)
    toddlers = _interest("peuters", "Prentenboeken", kind=InterestKind.AGE_GROUP)
    Interest.objects.filter(pk=toddlers.pk).update(audience=Audience.YOUTH)
    toddlers.refresh_from_db()
    member = _member(toddlers)

    tips = member_tips(member)
    assert [tip.record.title for tip in tips] == ["Kikker"]
    with override("en"):
        assert tips[0].reason == "Because you chose Peuters"


def test_every_interest_gets_its_turn(branch: Branch) -> None:
    for n in range(20):
        _title(branch, f"Thriller {n}", subjects="Thrillers")
    _title(branch, "Kookboek", subjects="Koken")
    member = _member(_interest("koken", "Koken"), _interest("thrillers", "Thrillers"))

    titles = [tip.record.title for tip in member_tips(member, limit=4)]

    assert "Kookboek" in titles and len(titles) == 4


def test_no_tips_without_the_interests_consent(branch: Branch) -> None:
    _title(branch, "Moord in Leesdam", subjects="Thrillers")
    member = _member(_interest("thrillers", "Thrillers"), history=True)
    _borrowed(member, _title(branch, "Eerder", subjects="Thrillers"), branch)

    consent_set(member=member, purpose=ConsentPurpose.INTERESTS, given=False, via=ConsentVia.PORTAL)

    assert member_tips(member) == []


def test_an_activity_without_subjects_gives_no_tips(branch: Branch) -> None:
    _title(branch, "Moord in Leesdam", subjects="Thrillers")
    member = _member(_interest("lezingen", "", kind=InterestKind.ACTIVITY))

    assert member_tips(member) == []


# --- never what the member has or had; only what can be lent ------------------------------------


def _on_loan_reserved_and_past(member: Member, branch: Branch) -> None:
    """Given: a new title; one returned, one on loan now, one reserved, one reserved once."""
    _title(branch, "Nieuw", subjects="Thrillers")
    _borrowed(member, _title(branch, "Al gelezen", subjects="Thrillers"), branch)
    on_loan = _title(branch, "Nu thuis", subjects="Thrillers")
    LoanFactory.create(member=member, item=ItemFactory.create(record=on_loan, home_branch=branch))
    HoldFactory.create(member=member, record=_title(branch, "Gereserveerd", subjects="Thrillers"))
    HoldFactory.create(
        member=member,
        record=_title(branch, "Ooit gereserveerd", subjects="Thrillers"),
        status=HoldStatus.CANCELLED,
    )


def test_with_the_loan_history_never_titles_borrowed_on_loan_or_reserved(branch: Branch) -> None:
    member = _member(_interest("thrillers", "Thrillers"), history=True)
    _on_loan_reserved_and_past(member, branch)

    assert _titles(member) == ["Nieuw"]


def test_without_the_loan_history_only_what_is_on_loan_or_reserved_now_is_left_out(
    branch: Branch,
) -> None:
    # Returned loans and past reservations are the loan history, which this member does not
    # keep: they are not used, not even to leave a title out.
    member = _member(_interest("thrillers", "Thrillers"))
    _on_loan_reserved_and_past(member, branch)

    assert _titles(member) == ["Al gelezen", "Nieuw", "Ooit gereserveerd"]


def test_only_titles_with_a_copy_that_can_be_lent(branch: Branch) -> None:
    member = _member(_interest("thrillers", "Thrillers"))
    _title(branch, "Op de plank", subjects="Thrillers")
    _title(branch, "Uitgeleend", subjects="Thrillers", status=ItemStatus.ON_LOAN)
    _title(branch, "Afgeschreven", subjects="Thrillers", status=ItemStatus.WITHDRAWN)
    _title(branch, "Kwijt", subjects="Thrillers", status=ItemStatus.LOST)
    _title(branch, "Naslag", subjects="Thrillers", item_type=ItemType.REFERENCE)
    _title(branch, "IBL", subjects="Thrillers", item_type=ItemType.INTERLIBRARY)
    RecordFactory.create(title="Zonder exemplaar", subjects="Thrillers")

    tips = {tip.record.title: tip for tip in member_tips(member)}

    assert sorted(tips) == ["Op de plank", "Uitgeleend"]
    assert tips["Uitgeleend"].available_at == []


# --- from the loan history: only for members who keep it ----------------------------------------


def test_loan_history_tips_only_with_the_loan_history_consent(branch: Branch) -> None:
    read = _title(branch, "Het eerste deel", subjects="Sciencefiction", author="Bos, Kees")
    same_author = _title(branch, "Het tweede deel", subjects="Poëzie", author="Bos, Kees")
    same_subject = _title(branch, "Sterrenstof", subjects="Sciencefiction", author="Wit, Eva")
    _title(branch, "Iets anders", subjects="Koken", author="Wit, Eva")
    without = _member()
    with_history = _member(history=True)
    for member in (without, with_history):
        _borrowed(member, read, branch)

    assert member_tips(without) == []
    tips = member_tips(with_history)
    assert [tip.record for tip in tips] == [same_author, same_subject]  # the author first
    with override("en"):
        assert tips[0].reason == "Because you borrowed Het eerste deel"

    consent_set(
        member=with_history,
        purpose=ConsentPurpose.LOAN_HISTORY,
        given=False,
        via=ConsentVia.PORTAL,
    )
    assert member_tips(with_history) == []


def test_interest_and_history_tips_take_turns_without_doubles(branch: Branch) -> None:
    read = _title(branch, "Gelezen", subjects="Thrillers", author="Bos, Kees")
    _title(branch, "Ander boek", subjects="Thrillers", author="Bos, Kees")
    _title(branch, "Derde", subjects="Thrillers", author="Wit, Eva")
    member = _member(_interest("thrillers", "Thrillers"), history=True)
    _borrowed(member, read, branch)

    titles = [tip.record.title for tip in member_tips(member)]

    assert sorted(titles) == ["Ander boek", "Derde"]


# --- a fixed number of queries ------------------------------------------------------------------


def _queries(member: Member) -> int:
    with CaptureQueriesContext(connection) as queries:
        member_tips(member)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_interests_titles_or_loans(
    branch: Branch,
) -> None:
    few = _member(_interest("thrillers", "Thrillers"), history=True)
    _borrowed(few, _title(branch, "Gelezen", subjects="Thrillers"), branch)
    _title(branch, "Tip", subjects="Thrillers")
    small = _queries(few)

    subjects = ["Thrillers", "Fantasy", "Koken", "Reizen", "Natuur", "Kunst"]
    many = _member(
        *[_interest(f"i{n}", subject) for n, subject in enumerate(subjects)], history=True
    )
    for n in range(30):
        subject = subjects[n % len(subjects)]
        _title(branch, f"Tip {n}", subjects=subject, author=f"Auteur {n}, A")
        _borrowed(many, _title(branch, f"Gelezen {n}", subjects=subject), branch, days_ago=n + 6)
    large = _queries(many)

    assert len(member_tips(many)) == 12
    assert large == small <= 8
