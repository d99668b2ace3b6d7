"""Both roles through the services, the two libraries in one database (see ``loop``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kaft.billing.models import Charge, ChargeKind
from kaft.catalog.models import ItemStatus
from kaft.circulation.models import Loan, LoanStatus
from kaft.circulation.services.loans import loan_checkin
from kaft.interlibrary.errors import IllError, IllErrorCode
from kaft.interlibrary.models import (
    IllAction,
    IllRole,
    IllStatus,
    InterlibraryRequest,
    LibraryPartner,
    OutboxStatus,
    OutgoingMessage,
    PatronField,
)
from kaft.interlibrary.services.outbox import messages_send_pending
from kaft.interlibrary.services.requesting import (
    request_cancel,
    request_raise,
    request_receive,
    request_renew_ask,
    request_ship_return,
)
from kaft.interlibrary.services.supplying import (
    supply_answer,
    supply_check_in,
    supply_mark_overdue_all,
    supply_move,
    supply_ship,
)
from kaft.interlibrary.tests.loop import Loop, kinds
from kaft.members.models import MessageType
from kaft.notices.models import Notice
from kaft.privacy.models import DataCategory, Disclosure, LegalBasis, Partner
from tests.factories import ItemFactory, LoanRuleFactory, MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db
Capture = Callable[..., Any]


def _pair(loop: Loop) -> tuple[InterlibraryRequest, InterlibraryRequest]:
    ours = InterlibraryRequest.objects.get(role=IllRole.REQUESTING)
    theirs = InterlibraryRequest.objects.get(role=IllRole.SUPPLYING)
    return ours, theirs


def _fresh(*requests: InterlibraryRequest) -> None:
    for request in requests:
        request.refresh_from_db()


def test_a_whole_loan_both_roles(loop: Loop, django_capture_on_commit_callbacks: Capture) -> None:
    LoanRuleFactory.create()
    member = MemberFactory.create(home_branch=loop.requester)
    staff = StaffFactory.create()
    copy = ItemFactory.create(home_branch=loop.supplier, barcode="300077")
    with django_capture_on_commit_callbacks(execute=True):
        request_raise(
            branch=loop.requester,
            member=member,
            staff=None,
            title="Het Achterhuis",
            isbn="9789044",
            partner=loop.supplier_partner,
        )
    ours, theirs = _pair(loop)
    assert (ours.status, theirs.status) == ("RequestReceived", "RequestReceived")
    assert theirs.title == "Het Achterhuis" and theirs.isbn == "9789044"
    assert b"patronInfo" not in loop.sent[0]  # no patron data by default
    assert not Disclosure.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        supply_answer(request=theirs, action=IllAction.EXPECT, staff=staff)
    _fresh(ours, theirs)
    assert (ours.status, ours.supplying_id) == ("ExpectToSupply", theirs.supplying_id)

    with django_capture_on_commit_callbacks(execute=True):
        supply_ship(request=theirs, barcode="300077", staff=staff, branch=loop.supplier)
    _fresh(ours, theirs)
    copy.refresh_from_db()
    assert copy.status == ItemStatus.ON_LOAN
    assert ours.status == "Loaned" and ours.due_date == theirs.due_date
    assert theirs.due_date == timezone.localdate() + dt.timedelta(days=28)

    with django_capture_on_commit_callbacks(execute=True):
        request_receive(request=ours, staff=staff, branch=loop.requester)
    _fresh(ours, theirs)
    loan = Loan.objects.get(member=member)
    assert loan.item_id == ours.item_id and loan.status == LoanStatus.OPEN
    notice = Notice.objects.get(member=member, message_type=MessageType.ILL_ARRIVED)
    assert "Het Achterhuis" in notice.body and "Leverancier" in notice.body
    charge = Charge.objects.get(member=member)
    assert charge.kind == ChargeKind.INTERLIBRARY and ours.fee == Decimal("3.50")
    assert theirs.partner_received_at is not None

    with pytest.raises(IllError) as refused:
        request_ship_return(request=ours, staff=staff, branch=loop.requester)
    assert refused.value.code == IllErrorCode.STILL_ON_LOAN
    assert ours.item is not None
    loan_checkin(item=ours.item, branch=loop.requester, staff=staff)
    with django_capture_on_commit_callbacks(execute=True):
        request_ship_return(request=ours, staff=staff, branch=loop.requester)
    _fresh(ours, theirs)
    assert ours.item is not None and ours.item.status == ItemStatus.WITHDRAWN
    assert theirs.partner_returned_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        supply_check_in(request=theirs, staff=staff, branch=loop.supplier)
    _fresh(ours, theirs)
    copy.refresh_from_db()
    assert (ours.status, theirs.status) == ("LoanCompleted", "LoanCompleted")
    assert copy.status == ItemStatus.AVAILABLE
    assert ours.closed_at is not None and theirs.closed_at is not None
    assert set(OutgoingMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert set(OutgoingMessage.objects.values_list("body", flat=True)) == {""}
    assert kinds(loop)[:2] == ["request", "supplyingAgencyMessage"]


def test_patron_data_goes_only_as_registered_and_is_recorded(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    member = MemberFactory.create(home_branch=loop.requester, card_number="21990000777")
    agreement = Partner.objects.create(
        name="Leverancier",
        purpose="Interbibliothecair leenverkeer",
        legal_basis=LegalBasis.CONTRACT,
        agreement_kind="controller",
        categories=[DataCategory.MEMBERSHIP],
    )
    loop.supplier_partner.patron_fields = [PatronField.CARD_NUMBER]
    loop.supplier_partner.agreement = agreement
    loop.supplier_partner.save()
    with django_capture_on_commit_callbacks(execute=True):
        request_raise(branch=loop.requester, member=member, staff=None, title="T")
    body = loop.sent[0]
    assert b"<ill:patronId>21990000777</ill:patronId>" in body
    assert member.email.encode() not in body and member.last_name.encode() not in body
    disclosure = Disclosure.objects.get(member=member)
    assert disclosure.partner == agreement and disclosure.categories == ["membership"]


def test_patron_data_without_an_agreement_is_refused_and_nothing_written(loop: Loop) -> None:
    member = MemberFactory.create(home_branch=loop.requester)
    LibraryPartner.objects.filter(pk=loop.supplier_partner.pk).update(
        patron_fields=[PatronField.NAME]
    )
    with pytest.raises(IllError) as refused:
        request_raise(branch=loop.requester, member=member, staff=None, title="T")
    assert refused.value.code == IllErrorCode.NO_AGREEMENT
    assert not InterlibraryRequest.objects.exists()
    assert not OutgoingMessage.objects.exists()


def test_unfilled_goes_to_the_next_library_of_the_rota(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    second = LibraryPartner.objects.create(
        name="Tweede",
        isil="NL-Two",
        endpoint_url="http://two.test/x",
        secret="s",
        rota_order=20,
    )
    loop.supplier_partner.rota_order = 1
    loop.supplier_partner.save()
    with django_capture_on_commit_callbacks(execute=True):
        request_raise(branch=loop.requester, member=None, staff=None, title="T")
    ours, theirs = _pair(loop)
    loop.unreachable = ("http://two.test/x",)  # the second library does not answer
    with django_capture_on_commit_callbacks(execute=True):
        supply_answer(request=theirs, action=IllAction.UNFILL, staff=None, note="weg")
    _fresh(ours, theirs)
    assert theirs.status == IllStatus.UNFILLED
    assert ours.status == IllStatus.NEW and ours.partner == second
    assert ours.tried == [loop.supplier_partner.pk, second.pk]
    assert list(ours.events.values_list("action", flat=True)) == ["send", "unfill", "next_partner"]
    pending = OutgoingMessage.objects.get(status=OutboxStatus.PENDING)
    assert pending.attempts == 1 and "connection refused" in pending.last_error


def test_a_failed_send_is_kept_and_sent_again(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    loop.down = True
    with django_capture_on_commit_callbacks(execute=True):
        ours = request_raise(branch=loop.requester, member=None, staff=None, title="T")
    ours.refresh_from_db()
    assert ours.status == IllStatus.NEW
    loop.down = False
    assert messages_send_pending() == 1
    ours.refresh_from_db()
    assert ours.status == IllStatus.REQUEST_RECEIVED


def test_cancel_renew_recall_and_overdue(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    ItemFactory.create(home_branch=loop.supplier, barcode="300078")
    with django_capture_on_commit_callbacks(execute=True):
        request_raise(branch=loop.requester, member=None, staff=None, title="T")
        request_raise(branch=loop.requester, member=None, staff=None, title="U")
    first, second = InterlibraryRequest.objects.filter(role=IllRole.REQUESTING).order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):
        request_cancel(request=second, staff=None)
    second.refresh_from_db()
    assert second.status == IllStatus.CANCELLED
    assert (
        InterlibraryRequest.objects.get(
            role=IllRole.SUPPLYING, requesting_id=second.requesting_id
        ).status
        == IllStatus.CANCELLED
    )

    theirs = InterlibraryRequest.objects.get(
        role=IllRole.SUPPLYING, requesting_id=first.requesting_id
    )
    with django_capture_on_commit_callbacks(execute=True):
        supply_ship(request=theirs, barcode="300078", staff=None, branch=loop.supplier)
    with pytest.raises(IllError):
        request_cancel(request=first, staff=None)
    # Overdue: the daily job marks it once the due date passed.
    InterlibraryRequest.objects.filter(pk=theirs.pk).update(
        due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert supply_mark_overdue_all() == 1
    first.refresh_from_db()
    assert first.status == IllStatus.OVERDUE
    with django_capture_on_commit_callbacks(execute=True):
        request_renew_ask(request=first, staff=None)
    _fresh(first, theirs)
    assert (first.status, theirs.status) == (IllStatus.LOANED, IllStatus.LOANED)
    assert first.due_date == timezone.localdate() + dt.timedelta(days=28)
    # The same Renew again (a partner's retry) gives the same date, not one more period.
    with django_capture_on_commit_callbacks(execute=True):
        request_renew_ask(request=first, staff=None)
    _fresh(first, theirs)
    assert first.due_date == theirs.due_date == timezone.localdate() + dt.timedelta(days=28)
    assert theirs.events.filter(action=IllAction.RENEW).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        supply_move(request=theirs, action=IllAction.RECALL, staff=None)
    first.refresh_from_db()
    assert first.status == IllStatus.RECALLED
    with django_capture_on_commit_callbacks(execute=True):
        request_renew_ask(request=first, staff=None)  # refused by the supplier: recalled
    _fresh(first, theirs)
    assert (first.status, theirs.status) == (IllStatus.RECALLED, IllStatus.RECALLED)


def test_a_refused_desk_move_writes_nothing(loop: Loop) -> None:
    ours = request_raise(branch=loop.requester, member=None, staff=None, title="T")
    count = OutgoingMessage.objects.count()
    for call in (
        lambda: request_receive(request=ours, staff=None, branch=loop.requester),
        lambda: request_ship_return(request=ours, staff=None, branch=loop.requester),
        lambda: request_renew_ask(request=ours, staff=None),
    ):
        with pytest.raises(IllError):
            call()
    ours.refresh_from_db()
    assert ours.status == IllStatus.NEW and ours.events.count() == 0
    assert OutgoingMessage.objects.count() == count


def test_unfilled_passes_over_a_library_that_may_not_have_the_members_data(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    """The supplier's Unfilled is always taken: a next library that would need patron data
    without an agreement is passed over (nothing sent to it), the one after it is asked."""
    member = MemberFactory.create(home_branch=loop.requester)
    needs_name = LibraryPartner.objects.create(
        name="Wil namen",
        isil="NL-Names",
        endpoint_url="http://names.test/x",
        secret="s",
        rota_order=20,
        patron_fields=[PatronField.NAME],
    )
    third = LibraryPartner.objects.create(
        name="Derde", isil="NL-Three", endpoint_url="http://three.test/x", secret="s", rota_order=30
    )
    loop.supplier_partner.rota_order = 1
    loop.supplier_partner.save()
    loop.unreachable = ("http://three.test/x",)
    with django_capture_on_commit_callbacks(execute=True):
        request_raise(branch=loop.requester, member=member, staff=None, title="T")
    ours, theirs = _pair(loop)
    with django_capture_on_commit_callbacks(execute=True):
        supply_answer(request=theirs, action=IllAction.UNFILL, staff=None)
    _fresh(ours, theirs)
    assert theirs.status == IllStatus.UNFILLED  # the supplier's message was accepted
    assert ours.partner == third and ours.status == IllStatus.NEW
    assert needs_name.pk not in ours.tried
    assert not OutgoingMessage.objects.filter(body__contains="NL-Names").exists()
    assert not Disclosure.objects.filter(member=member).exists()


def test_a_status_going_back_or_after_the_end_is_refused_and_changes_nothing(
    loop: Loop, django_capture_on_commit_callbacks: Capture
) -> None:
    from kaft.interlibrary.services.incoming import message_receive
    from kaft.interlibrary.services.outbox import header_for

    ItemFactory.create(home_branch=loop.supplier, barcode="300079")
    with django_capture_on_commit_callbacks(execute=True):
        request_raise(branch=loop.requester, member=None, staff=None, title="T")
    ours, theirs = _pair(loop)
    with django_capture_on_commit_callbacks(execute=True):
        supply_ship(request=theirs, barcode="300079", staff=None, branch=loop.supplier)
    ours.refresh_from_db()
    assert ours.status == IllStatus.LOANED
    due, events = ours.due_date, ours.events.count()

    def supplier_says(status: str, due_date: str = "") -> int:
        from kaft.interlibrary import iso18626

        body = iso18626.build_supplying_message(
            header=header_for(theirs),
            reason="StatusChange",
            status=status,
            due_date=dt.date.fromisoformat(due_date) if due_date else None,
        )
        return message_receive(body=body, secret="s3cret-sup").status

    assert supplier_says("RequestReceived") == 400  # back before it was shipped
    ours.refresh_from_db()
    assert (ours.status, ours.due_date, ours.events.count()) == (IllStatus.LOANED, due, events)
    assert supplier_says("Loaned", "2031-01-01") == 200  # a new due date: taken
    ours.refresh_from_db()
    assert ours.due_date == dt.date(2031, 1, 1)
    InterlibraryRequest.objects.filter(pk=ours.pk).update(
        status=IllStatus.LOAN_COMPLETED, closed_at=timezone.now()
    )
    assert supplier_says("LoanCompleted", "2032-01-01") == 200  # a repeat
    ours.refresh_from_db()
    assert ours.due_date == dt.date(2031, 1, 1)  # not after the end
