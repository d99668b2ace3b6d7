"""Our member's loan of a book another library lent us follows that library: its due date, a
renewal only the lender can give, a recall, and the copy's place outside the catalogue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kaft.catalog.models import ItemType
from kaft.catalog.search import search_records
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.models import Hold, Loan, LoanAction, LoanEvent, LoanStatus
from kaft.circulation.services.holds import hold_place
from kaft.circulation.services.loans import loan_checkin, loan_renew
from kaft.circulation.services.routing import Destination
from kaft.interlibrary.models import IllAction, IllRole, IllStatus, InterlibraryRequest
from kaft.interlibrary.services.outbox import header_for
from kaft.interlibrary.services.requesting import request_raise, request_receive
from kaft.interlibrary.services.supplying import supply_move, supply_on_requester_message
from kaft.interlibrary.tests.loop import Loop
from kaft.members.models import Member, MessageType
from kaft.notices.models import Notice
from tests.factories import ItemFactory, LoanRuleFactory, MemberFactory, StaffFactory
from tests.factories_desk import JSON

pytestmark = pytest.mark.django_db
Capture = Callable[..., Any]
TODAY = timezone.localdate


def _lent(
    loop: Loop, capture: Capture, *, lender_days: int = 28, member: Member | None = None
) -> tuple[InterlibraryRequest, InterlibraryRequest, Loan]:
    """A book asked of the supplier for ``member``, shipped with ``lender_days`` and received
    at our desk: our request, the supplier's, and our member's loan."""
    LoanRuleFactory.create(loan_days=21)
    loop.requester_partner.loan_days = lender_days
    loop.requester_partner.save()
    member = member or MemberFactory.create(home_branch=loop.requester)
    ItemFactory.create(home_branch=loop.supplier, barcode="300091")
    from kaft.interlibrary.services.supplying import supply_ship

    with capture(execute=True):
        request_raise(
            branch=loop.requester,
            member=member,
            staff=None,
            title="Zeldzame kaarten",
            partner=loop.supplier_partner,
        )
    ours = InterlibraryRequest.objects.get(role=IllRole.REQUESTING)
    theirs = InterlibraryRequest.objects.get(role=IllRole.SUPPLYING)
    with capture(execute=True):
        supply_ship(request=theirs, barcode="300091", staff=None, branch=loop.supplier)
    ours.refresh_from_db()
    with capture(execute=True):
        request_receive(request=ours, staff=StaffFactory.create(), branch=loop.requester)
    ours.refresh_from_db()
    theirs.refresh_from_db()
    return ours, theirs, Loan.objects.get(member=member, status=LoanStatus.OPEN)


def test_the_member_is_due_before_the_lender_and_never_later_than_our_rule(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    ours, theirs, loan = _lent(loop, django_capture_on_commit_callbacks, lender_days=14)
    assert ours.due_date == TODAY() + dt.timedelta(days=14)
    # Five days to ship it back (KAFT_ILL_SHIPPING_DAYS): due on day 9, not our rule's day 21.
    assert loan.due_date == TODAY() + dt.timedelta(days=9)
    assert loan.item.item_type == ItemType.INTERLIBRARY
    arrived = Notice.objects.get(message_type=MessageType.ILL_ARRIVED)
    assert (TODAY() + dt.timedelta(days=9)).strftime("%Y") in arrived.body
    # No "due date changed" message for the first due date.
    assert not Notice.objects.filter(message_type=MessageType.ILL_DUE_CHANGED).exists()


def test_a_lender_with_a_long_loan_period_leaves_our_own_rule(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    _ours, _theirs, loan = _lent(loop, django_capture_on_commit_callbacks, lender_days=60)
    assert loan.due_date == TODAY() + dt.timedelta(days=21)


def test_the_member_cannot_renew_and_nothing_is_written(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    _ours, _theirs, loan = _lent(loop, django_capture_on_commit_callbacks)
    events = LoanEvent.objects.count()
    with pytest.raises(CirculationError) as refused:
        loan_renew(loan=loan, staff=None, via="portal")
    assert refused.value.code == CirculationErrorCode.RENEWAL_BY_LENDER
    assert "andere bibliotheek" in refused.value.message
    loan.refresh_from_db()
    assert loan.renewals == 0 and LoanEvent.objects.count() == events


def test_a_recall_brings_the_due_date_forward_and_tells_the_member(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    ours, theirs, loan = _lent(loop, django_capture_on_commit_callbacks)
    assert loan.due_date == TODAY() + dt.timedelta(days=21)
    with django_capture_on_commit_callbacks(execute=True):
        supply_move(request=theirs, action=IllAction.RECALL, staff=None)
    ours.refresh_from_db()
    loan.refresh_from_db()
    assert ours.status == IllStatus.RECALLED
    assert loan.due_date == TODAY() + dt.timedelta(days=7)  # KAFT_ILL_RECALL_DAYS
    assert loan.renewals == 0
    moved = LoanEvent.objects.get(loan=loan, action=LoanAction.DUE_DATE_SET)
    assert moved.via == "system"
    notice = Notice.objects.get(message_type=MessageType.ILL_DUE_CHANGED)
    assert notice.member_id == loan.member_id
    assert "Zeldzame kaarten" in notice.body and "Leverancier" in notice.body
    assert "eerder terug" in notice.subject


def test_more_time_from_the_lender_gives_the_member_more_time(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    ours, theirs, loan = _lent(loop, django_capture_on_commit_callbacks, lender_days=14)
    assert loan.due_date == TODAY() + dt.timedelta(days=9)
    # The desk asked for more time; the supplier grants its loan period (now 30 days) from today.
    from kaft.interlibrary.services.requesting import request_renew_ask

    loop.requester_partner.loan_days = 30
    loop.requester_partner.save()
    with django_capture_on_commit_callbacks(execute=True):
        request_renew_ask(request=ours, staff=None)
    ours.refresh_from_db()
    loan.refresh_from_db()
    assert ours.due_date == TODAY() + dt.timedelta(days=30)
    assert loan.due_date == TODAY() + dt.timedelta(days=25)
    notice = Notice.objects.get(message_type=MessageType.ILL_DUE_CHANGED)
    assert "Langer lenen" in notice.subject


def test_a_late_loan_is_not_moved_by_a_recall(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    _ours, theirs, loan = _lent(loop, django_capture_on_commit_callbacks)
    late = TODAY() - dt.timedelta(days=2)
    Loan.objects.filter(pk=loan.pk).update(due_date=late)
    with django_capture_on_commit_callbacks(execute=True):
        supply_move(request=theirs, action=IllAction.RECALL, staff=None)
    loan.refresh_from_db()
    assert loan.due_date == late
    assert not LoanEvent.objects.filter(action=LoanAction.DUE_DATE_SET).exists()
    assert not Notice.objects.filter(message_type=MessageType.ILL_DUE_CHANGED).exists()


def test_a_recall_after_the_member_returned_it_moves_nothing(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    ours, theirs, loan = _lent(loop, django_capture_on_commit_callbacks)
    loan_checkin(item=loan.item, branch=loop.requester, staff=None)
    with django_capture_on_commit_callbacks(execute=True):
        supply_move(request=theirs, action=IllAction.RECALL, staff=None)
    assert not Notice.objects.filter(message_type=MessageType.ILL_DUE_CHANGED).exists()


def test_nobody_else_can_find_or_reserve_the_borrowed_copy(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    ours, _theirs, loan = _lent(loop, django_capture_on_commit_callbacks)
    assert "Zeldzame kaarten" not in [r.title for r in search_records(query="Zeldzame").records]
    other = MemberFactory.create(home_branch=loop.requester)
    assert loan.item is not None
    with pytest.raises(CirculationError) as refused:
        hold_place(record=loan.item.record, member=other, pickup_branch=loop.requester, staff=None)
    assert refused.value.code == CirculationErrorCode.NO_HOLDABLE_ITEMS
    assert not Hold.objects.exists()


def test_its_return_sets_it_aside_for_the_lender(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    _ours, _theirs, loan = _lent(loop, django_capture_on_commit_callbacks)
    result = loan_checkin(item=loan.item, branch=loop.requester, staff=None)
    assert result.destination == Destination.TO_LENDER


def test_the_return_screen_says_where_it_goes(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    _ours, _theirs, loan = _lent(loop, django_capture_on_commit_callbacks)
    desk = Client()
    desk.force_login(StaffFactory.create(profile__branch=loop.requester))
    answer = desk.post("/desk/checkin/scan/", {"value": loan.item.barcode}, headers=JSON)
    assert answer.status_code == 200
    assert "Terug naar de uitlenende bibliotheek" in answer.json()["append"]


def test_a_lender_message_with_no_new_date_moves_nothing(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    ours, theirs, loan = _lent(loop, django_capture_on_commit_callbacks)
    before = loan.due_date
    # A status request answered by the supplier: same status, same due date.
    from kaft.interlibrary import iso18626

    message = iso18626.message_parse(
        iso18626.build_requesting_message(header=header_for(ours), action="StatusRequest")
    )
    with django_capture_on_commit_callbacks(execute=True):
        supply_on_requester_message(request=theirs, message=message)
    loan.refresh_from_db()
    assert loan.due_date == before
    assert not Notice.objects.filter(message_type=MessageType.ILL_DUE_CHANGED).exists()


def test_the_members_own_description_stays_on_the_request(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    """A request by description only: the temporary title and the messages to the member do not
    carry what the member typed (it would outlive the request in the catalogue's tables)."""
    from kaft.catalog.models import Record
    from kaft.interlibrary.services.supplying import supply_ship

    LoanRuleFactory.create()
    member = MemberFactory.create(home_branch=loop.requester)
    ItemFactory.create(home_branch=loop.supplier, barcode="300092")
    typed = "Deel 2 van de reisgids, voor mijn scriptie over Lapland"
    with django_capture_on_commit_callbacks(execute=True):
        request_raise(
            branch=loop.requester,
            member=member,
            staff=None,
            description=typed,
            partner=loop.supplier_partner,
        )
    ours = InterlibraryRequest.objects.get(role=IllRole.REQUESTING)
    theirs = InterlibraryRequest.objects.get(role=IllRole.SUPPLYING)
    assert theirs.description == typed  # it is what the partner needs
    with django_capture_on_commit_callbacks(execute=True):
        supply_ship(request=theirs, barcode="300092", staff=None, branch=loop.supplier)
    ours.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        request_receive(request=ours, staff=None, branch=loop.requester)
    with django_capture_on_commit_callbacks(execute=True):
        supply_move(request=theirs, action=IllAction.RECALL, staff=None)
    ours.refresh_from_db()
    assert ours.item is not None
    record = Record.objects.get(pk=ours.item.record_id)
    assert "Lapland" not in record.title and b"Lapland" not in bytes(record.marc or b"")
    for notice in Notice.objects.filter(member=member):
        assert "Lapland" not in notice.body
    assert Notice.objects.filter(member=member).count() == 2


def test_mijnbibliotheek_offers_no_renewal_and_says_why(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    _ours, _theirs, loan = _lent(loop, django_capture_on_commit_callbacks)
    assert loan.member_id is not None
    member = Member.objects.get(pk=loan.member_id)
    portal = Client()
    assert member.user is not None
    portal.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    page = portal.get("/mijn/")
    html = page.content.decode()
    assert page.status_code == 200 and "Zeldzame kaarten" in html
    assert f"/mijn/leningen/{loan.pk}/verlengen/" not in html
    assert "alleen die bibliotheek" in html
