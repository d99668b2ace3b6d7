"""MijnBibliotheek "Mijn interesses": consent first, choosing, tips, withdrawing; the export."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kaft.catalog.models import Branch
from kaft.members.models import Member
from kaft.outreach.models import Interest, InterestKind, MemberInterest
from kaft.privacy.models import ConsentEvent, ConsentPurpose, ConsentVia
from kaft.privacy.services.consent import consent_given, consent_set
from kaft.privacy.services.export import member_export_data
from tests.factories import BranchFactory, ItemFactory, MemberFactory, RecordFactory
from tests.factories_consent import make_child_with_guardian

pytestmark = pytest.mark.django_db

PAGE = "/mijn/interesses/"
CONSENT = "/mijn/interesses/toestemming/"


@pytest.fixture
def branch() -> Branch:
    return BranchFactory.create(code="centrum", name="Centrale Bibliotheek")


@pytest.fixture
def member(branch: Branch) -> Member:
    return MemberFactory.create(first_name="Sanne", home_branch=branch)


@pytest.fixture
def member_client(client: Client, member: Member) -> Client:
    assert member.user is not None
    client.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    return client


@pytest.fixture
def thrillers() -> Interest:
    return Interest.objects.create(
        code="thrillers",
        name_nl="Thrillers",
        name_en="Thrillers",
        kind=InterestKind.GENRE,
        subjects="Thrillers",
    )


def test_the_urls() -> None:
    assert reverse("portal:interests") == PAGE
    assert reverse("portal:interests_consent") == CONSENT


def test_without_consent_the_page_explains_and_offers_it(
    member_client: Client, thrillers: Interest
) -> None:
    page = member_client.get(PAGE).content.decode()

    assert 'action="/mijn/interesses/toestemming/"' in page
    assert 'href="/mijn/toestemmingen/#consent-interests"' in page
    assert 'name="interests"' not in page  # nothing to choose yet


def test_choosing_without_consent_is_refused_and_writes_nothing(
    member_client: Client, thrillers: Interest
) -> None:
    response = member_client.post(PAGE, {"interests": ["thrillers"]})

    assert response.status_code == 400
    assert MemberInterest.objects.count() == 0


def test_give_consent_choose_see_tips_and_withdraw(
    member_client: Client, member: Member, branch: Branch, thrillers: Interest
) -> None:
    record = RecordFactory.create(title="Moord in Leesdam", subjects="Thrillers")
    ItemFactory.create(record=record, home_branch=branch)

    response = member_client.post(CONSENT, {"given": "1"})
    assert response.status_code == 302
    assert consent_given(member=member, purpose=ConsentPurpose.INTERESTS)
    assert ConsentEvent.objects.get(member=member).via == ConsentVia.PORTAL

    response = member_client.post(PAGE, {"interests": ["thrillers"]})
    assert response.status_code == 302
    assert list(MemberInterest.objects.values_list("interest__code", flat=True)) == ["thrillers"]

    member_client.cookies["django_language"] = "en"
    page = member_client.get(PAGE, headers={"accept-language": "en"}).content.decode()
    assert 'value="thrillers" checked' in page
    assert "Moord in Leesdam" in page
    assert f'href="/titel/{record.pk}/"' in page
    assert "Because you like Thrillers" in page
    assert "#consent-loan_history" in page  # history tips need the loan history kept

    response = member_client.post(CONSENT, {"given": "0"})
    assert response.status_code == 302
    assert MemberInterest.objects.count() == 0
    assert not consent_given(member=member, purpose=ConsentPurpose.INTERESTS)


def test_withdrawing_in_mijn_toestemmingen_deletes_them_too(
    member_client: Client, member: Member, thrillers: Interest
) -> None:
    member_client.post(CONSENT, {"given": "1"})
    member_client.post(PAGE, {"interests": ["thrillers"]})

    member_client.post(reverse("portal:consent_change"), {"purpose": "interests", "given": "0"})

    assert MemberInterest.objects.count() == 0


def test_an_unknown_interest_or_answer_is_refused(
    member_client: Client, member: Member, thrillers: Interest
) -> None:
    consent_set(member=member, purpose=ConsentPurpose.INTERESTS, given=True, via=ConsentVia.PORTAL)

    assert member_client.post(PAGE, {"interests": ["bestaat-niet"]}).status_code == 400
    assert member_client.post(CONSENT, {"given": "ja"}).status_code == 400
    assert MemberInterest.objects.count() == 0
    assert consent_given(member=member, purpose=ConsentPurpose.INTERESTS)


def test_a_child_is_told_a_parent_decides(client: Client, thrillers: Interest) -> None:
    child, _parent = make_child_with_guardian()
    assert child.user is not None
    client.force_login(child.user, backend="kaft.members.auth.MemberCardOrEmailBackend")

    page = client.get(PAGE).content.decode()
    assert 'action="/mijn/interesses/toestemming/"' not in page

    assert client.post(CONSENT, {"given": "1"}).status_code == 400
    assert not consent_given(member=child, purpose=ConsentPurpose.INTERESTS)


def test_mijnbibliotheek_links_to_the_page(member_client: Client) -> None:
    assert f'href="{PAGE}"' in member_client.get(reverse("portal:loans")).content.decode()


def test_the_export_includes_the_members_interests(member: Member, thrillers: Interest) -> None:
    consent_set(member=member, purpose=ConsentPurpose.INTERESTS, given=True, via=ConsentVia.PORTAL)
    from kaft.outreach.services.interests import interest_choose

    interest_choose(member=member, interest=thrillers)

    rows = member_export_data(member)["categories"]["preferences"]["tables"][
        "outreach.MemberInterest"
    ]
    assert [row["interest"] for row in rows] == ["Thrillers"]
