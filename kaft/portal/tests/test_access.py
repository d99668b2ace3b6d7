"""kaft/portal/access.py: who may reach which loans and reservations."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import Client, RequestFactory

from kaft.members.models import Member
from kaft.portal.access import PortalRequest, members_in_reach, own_hold, own_loan
from tests.factories import StaffFactory
from tests.factories_portal import HoldFactory, LoanFactory

pytestmark = pytest.mark.django_db


def _request_for(member: Member) -> PortalRequest:
    request = RequestFactory().get("/mijn/")
    request.member = member  # type: ignore[attr-defined]
    return request  # type: ignore[return-value]


def test_a_member_reaches_only_themselves(member: Member) -> None:
    assert members_in_reach(_request_for(member)) == [member.pk]


def test_own_loan_and_hold_are_returned_to_their_member(member: Member) -> None:
    loan = LoanFactory.create(member=member)
    hold = HoldFactory.create(member=member)
    request = _request_for(member)

    assert own_loan(request, loan.pk) == loan
    assert own_hold(request, hold.pk) == hold


def test_someone_elses_or_a_missing_loan_or_hold_is_not_found(member: Member) -> None:
    other_loan = LoanFactory.create()
    other_hold = HoldFactory.create()
    request = _request_for(member)

    for lookup, object_id in [
        (own_loan, other_loan.pk),
        (own_loan, 999_999),
        (own_hold, other_hold.pk),
        (own_hold, 999_999),
    ]:
        with pytest.raises(Http404):
            lookup(request, object_id)


def test_logged_out_visitor_is_sent_to_login_and_back(client: Client) -> None:
    response = client.get("/mijn/reserveringen/")

    assert response.status_code == 302
    assert response["Location"] == "/inloggen/?next=/mijn/reserveringen/"


def test_staff_account_without_member_record_is_refused(client: Client) -> None:
    staff = StaffFactory.create(username="balie2")
    client.force_login(staff, backend="kaft.members.auth.StaffBackend")

    assert client.get("/mijn/").status_code == 403
