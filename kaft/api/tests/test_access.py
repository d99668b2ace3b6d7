"""What a token may touch (kaft/api/access.py), the record of every look, and the door's own
answers: errors in two languages, ETags, rate limits."""

from __future__ import annotations

import pytest
from django.test import Client

from kaft.catalog.models import Branch, Item, ItemStatus
from kaft.circulation.models import Hold, HoldStatus, Loan, LoanStatus
from kaft.members.models import Member
from kaft.privacy.models import AccessLogEntry, DataCategory, Disclosure
from tests.factories import BranchFactory, ItemFactory, LoanRuleFactory, MemberFactory
from tests.factories_api import api_token
from tests.factories_portal import HoldFactory, LoanFactory
from tests.factories_transparency import PartnerFactory, partner_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch(db: None) -> Branch:
    LoanRuleFactory.create()
    return BranchFactory.create(code="centrum", isil="NL-KaftC", name="Centrum")


def _member(branch: Branch) -> Member:
    return MemberFactory.create(home_branch=branch)


def _rows() -> dict[str, int]:
    return {
        "loans": Loan.objects.count(),
        "holds": Hold.objects.count(),
        "log": AccessLogEntry.objects.count(),
        "disclosures": Disclosure.objects.count(),
    }


# --- a member's app sees only its own member ------------------------------------------------------


def test_a_members_token_never_reaches_another_members_hold(branch: Branch) -> None:
    # given two members, each with a reservation, and the first one's app
    mine, theirs = _member(branch), _member(branch)
    HoldFactory.create(member=mine, pickup_branch=branch)
    other_hold = HoldFactory.create(member=theirs, pickup_branch=branch)
    token = api_token("me", user=mine.user, name="Bieb-app")
    before = _rows()
    # when the app names the other member's hold, to see it or cancel it
    cancel = Client().delete(f"/api/v1/me/holds/{other_hold.pk}", headers=token.headers)
    # then it is not found (as an id that does not exist), and nothing changed or was logged
    assert cancel.status_code == 404
    assert cancel.json() == {"code": "not_found", "message": "Niet gevonden."}
    other_hold.refresh_from_db()
    assert other_hold.status == HoldStatus.WAITING
    assert _rows() == before


def test_a_members_token_lists_only_its_own_loans_and_logs_the_look(branch: Branch) -> None:
    mine, theirs = _member(branch), _member(branch)
    own = LoanFactory.create(member=mine)
    LoanFactory.create(member=theirs)
    token = api_token("me", user=mine.user, name="Bieb-app")
    answer = Client().get("/api/v1/me/loans", headers=token.headers)
    assert answer.status_code == 200
    assert [loan["id"] for loan in answer.json()["items"]] == [own.pk]
    assert answer["Cache-Control"] == "private, no-store"
    entry = AccessLogEntry.objects.get()
    assert (entry.member_id, entry.staff_id, entry.staff_role, entry.staff_name) == (
        mine.pk,
        None,
        "app",
        "Bieb-app",
    )
    assert (entry.part, entry.purpose) == ("loans", "app")


def test_a_system_token_without_a_member_gets_403_on_me(branch: Branch) -> None:
    token = api_token("catalog:read", name="Website")
    answer = Client().get("/api/v1/me", headers=token.headers)
    assert answer.status_code == 403
    assert answer.json()["code"] == "scope_missing"


def test_the_app_renews_places_and_cancels_through_the_services(branch: Branch) -> None:
    member = _member(branch)
    loan = LoanFactory.create(member=member)
    item = ItemFactory.create(home_branch=branch)
    token = api_token("me", user=member.user, name="Bieb-app")
    client = Client()
    renewed = client.post(f"/api/v1/me/loans/{loan.pk}/renew", headers=token.headers)
    placed = client.post(
        "/api/v1/me/holds",
        {"record_id": item.record_id, "pickup_branch": "NL-KaftC"},
        content_type="application/json",
        headers=token.headers,
    )
    hold_id = placed.json()["id"]
    cancelled = client.delete(f"/api/v1/me/holds/{hold_id}", headers=token.headers)
    loan.refresh_from_db()
    assert renewed.status_code == 200
    assert renewed.json()["renewals"] == 1 == loan.renewals
    assert placed.status_code == 201
    assert placed.json()["pickup_branch"] == "centrum"
    assert cancelled.status_code == 200
    assert Hold.objects.get(pk=hold_id).status == HoldStatus.CANCELLED
    assert loan.events.filter(via="api").count() == 1  # type: ignore[attr-defined]


def test_a_refused_reservation_writes_nothing_and_says_why_in_either_language(
    branch: Branch,
) -> None:
    # given a title with no copies
    member = _member(branch)
    hold = HoldFactory.create(member=member, pickup_branch=branch)
    token = api_token("me", user=member.user, name="Bieb-app")
    Hold.objects.filter(pk=hold.pk).delete()
    before = _rows()
    body = {"record_id": hold.record_id, "pickup_branch": "centrum"}
    # when the app reserves it, once in Dutch and once asking for English
    dutch = Client().post(
        "/api/v1/me/holds", body, content_type="application/json", headers=token.headers
    )
    english = Client().post(
        "/api/v1/me/holds",
        body,
        content_type="application/json",
        headers={**token.headers, "Accept-Language": "en-GB,en;q=0.9,nl;q=0.5"},
    )
    # then: 409 with the circulation code, and nothing written (no hold, no log)
    assert dutch.status_code == english.status_code == 409
    assert dutch.json() == {
        "code": "no_holdable_items",
        "message": "Van deze titel zijn geen exemplaren die u kunt reserveren.",
    }
    assert english.json()["message"] == "This title has no copies that can be reserved."
    assert _rows() == before


# --- a sorter: check in, but never read members -----------------------------------------------


def test_a_sorter_checks_in_a_reserved_copy_to_the_holds_shelf(branch: Branch) -> None:
    # given a copy on loan that another member reserved, to pick up here
    loan = LoanFactory.create(member=_member(branch), item__home_branch=branch)
    HoldFactory.create(member=_member(branch), record=loan.record, pickup_branch=branch)
    token = api_token("circulation:write", name="Sorteerstraat")
    # when the sorter takes it in
    answer = Client().post(
        "/api/v1/circulation/checkin",
        {"barcode": loan.item.barcode, "branch": "centrum"},
        content_type="application/json",
        headers=token.headers,
    )
    # then it goes to the holds shelf, and no member is named nor logged
    assert answer.status_code == 200
    assert answer.json() == {
        "barcode": loan.item.barcode,
        "destination": "holds_shelf",
        "to_branch": "centrum",
        "returned_late": False,
        "received_transfer": False,
    }
    loan.refresh_from_db()
    assert loan.status == LoanStatus.RETURNED
    assert Item.objects.get(pk=loan.item_id).status == ItemStatus.ON_HOLDS_SHELF
    assert AccessLogEntry.objects.count() == 0


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/me/loans", "/api/v1/members/{card}"])
def test_a_sorter_gets_403_on_member_data(branch: Branch, path: str) -> None:
    member = _member(branch)
    LoanFactory.create(member=member)
    token = api_token("circulation:write", name="Sorteerstraat")
    answer = Client().get(path.format(card=member.card_number), headers=token.headers)
    assert answer.status_code == 403
    assert answer.json()["code"] == "scope_missing"
    assert AccessLogEntry.objects.count() == 0


def test_a_system_lends_by_card_number_and_the_member_sees_it(branch: Branch) -> None:
    member = _member(branch)
    item = ItemFactory.create(home_branch=branch)
    token = api_token("circulation:write", name="Uitleenzuil-app")
    answer = Client().post(
        "/api/v1/circulation/checkout",
        {"barcode": item.barcode, "card_number": member.card_number, "branch": "centrum"},
        content_type="application/json",
        headers=token.headers,
    )
    assert answer.status_code == 201
    loan = Loan.objects.get()
    assert answer.json()["loan_id"] == loan.pk
    assert (loan.member_id, loan.events.get().via) == (member.pk, "api")  # type: ignore[attr-defined]
    assert AccessLogEntry.objects.get().staff_name == "Uitleenzuil-app"


def test_lending_a_copy_already_lent_is_refused_and_writes_nothing(branch: Branch) -> None:
    loan = LoanFactory.create(member=_member(branch), item__home_branch=branch)
    member = _member(branch)
    token = api_token("circulation:write", name="Uitleenzuil-app")
    before = _rows()
    answer = Client().post(
        "/api/v1/circulation/checkout",
        {"barcode": loan.item.barcode, "card_number": member.card_number, "branch": "centrum"},
        content_type="application/json",
        headers=token.headers,
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "item_on_loan"
    assert _rows() == before


# --- partners: a disclosure for every look ---------------------------------------------------------


def test_a_partners_look_is_a_disclosure_and_in_the_access_log(branch: Branch) -> None:
    member = _member(branch)
    partner_consent(member)
    partner = PartnerFactory.create(name="Online Bibliotheek")
    token = api_token("members:read", name="OB-koppeling", partner=partner)
    answer = Client().get(f"/api/v1/members/{member.card_number}", headers=token.headers)
    assert answer.status_code == 200
    assert answer.json()["may_borrow"] is True
    disclosure = Disclosure.objects.get()
    assert (disclosure.member_id, disclosure.partner_id) == (member.pk, partner.pk)
    assert disclosure.categories == [DataCategory.MEMBERSHIP.value]
    assert AccessLogEntry.objects.get().staff_name == "OB-koppeling"


def test_without_the_members_consent_a_partner_gets_nothing(branch: Branch) -> None:
    member = _member(branch)  # no consent to partner services
    partner = PartnerFactory.create(name="Online Bibliotheek")
    token = api_token("members:read", name="OB-koppeling", partner=partner)
    answer = Client().get(f"/api/v1/members/{member.card_number}", headers=token.headers)
    assert answer.status_code == 403
    assert answer.json()["code"] == "disclosure_refused"
    assert (Disclosure.objects.count(), AccessLogEntry.objects.count()) == (0, 0)


# --- ETags and rate limits --------------------------------------------------------------------------


def test_a_catalogue_read_answers_304_to_its_own_etag_and_200_after_a_change(
    branch: Branch,
) -> None:
    item = ItemFactory.create(home_branch=branch)
    token = api_token("catalog:read", "availability:read", name="Website")
    url = f"/api/v1/records/{item.record_id}"
    first = Client().get(url, headers=token.headers)
    tag = first["ETag"]
    again = Client().get(url, headers={**token.headers, "If-None-Match": tag})
    ItemFactory.create(record=item.record, home_branch=branch)
    changed = Client().get(url, headers={**token.headers, "If-None-Match": tag})
    assert first.status_code == 200
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", tag)
    assert changed.status_code == 200
    assert changed["ETag"] != tag
    assert changed.json()["availability"][0]["copies"] == 2


def test_a_client_over_its_rate_gets_429_with_retry_after(branch: Branch) -> None:
    token = api_token("catalog:read", name="Website", rate_per_minute=2)
    answers = [Client().get("/api/v1/records/?q=x", headers=token.headers) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[2].json()["code"] == "rate_limited"
    assert 1 <= int(answers[2]["Retry-After"]) <= 60


def test_no_token_or_an_expired_one_is_401(branch: Branch) -> None:
    from oauth2_provider.models import AccessToken

    token = api_token("catalog:read", name="Website")
    AccessToken.objects.update(expires="2020-01-01T00:00:00Z")
    answers = [
        Client().get("/api/v1/records/?q=x"),
        Client().get("/api/v1/records/?q=x", headers=token.headers),
    ]
    assert [answer.status_code for answer in answers] == [401, 401]
    assert answers[1].json()["code"] == "unauthenticated"
    assert answers[1]["WWW-Authenticate"] == 'Bearer realm="kaft"'
