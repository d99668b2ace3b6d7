"""Requesting: our member (or staff) asks another library for a title we do not have.

Flow: :func:`request_raise` (``New``) sends an ISO 18626 ``request`` to the chosen partner, or to
the first active partner of the rota; the supplier's messages move it
(:func:`request_on_supplier_message`); an ``Unfilled`` answer sends it to the next partner of the
rota not yet asked. The book arrives: :func:`request_receive` catalogues it as a temporary title
and copy, lends that to the member (the ordinary checkout), charges the fee (billing) and tells
the partner ``Received``, and tells the member (notices, by the channel chosen for "ready for pickup"
messages). The member returns it at *Inleveren* (the return screen says it goes back to the
lending library); :func:`request_ship_return` withdraws the temporary copy and tells the partner
``ShippedReturn``; the partner's ``LoanCompleted`` closes the request.

The member's loan of the book follows the lender: see ``services/lender_dates.py``.

Patron data: the ``request`` carries none unless the partner's register entry requires some; then
only those fields go, the partner's agreement (privacy register) must cover their categories, and
a disclosure is recorded for the member (shown in "Wie kreeg mijn gegevens").

Choice, documented: the temporary copy is withdrawn after it is shipped back, not deleted, so the
loan and its history keep pointing at a title (they follow circulation's own retention); the
title is no longer in the public catalogue once its only copy is withdrawn.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaft.billing.models import ChargeKind
from kaft.billing.services.charges import charge_create
from kaft.catalog.lifecycle import item_apply
from kaft.catalog.marc.editing import Description
from kaft.catalog.models import Branch, ItemAction, ItemStatus, ItemType
from kaft.catalog.services.items import item_add
from kaft.catalog.services.records import record_create
from kaft.circulation.services.due_dates import loan_due_date_set
from kaft.circulation.services.loans import loan_checkout
from kaft.interlibrary import iso18626
from kaft.interlibrary.errors import IllError, IllErrorCode
from kaft.interlibrary.lifecycle import move_for_status, request_apply
from kaft.interlibrary.locks import request_for_update
from kaft.interlibrary.models import (
    PATRON_FIELD_CATEGORY,
    IllAction,
    IllRole,
    IllStatus,
    InterlibraryRequest,
    LibraryPartner,
    PatronField,
)
from kaft.interlibrary.services.lender_dates import follow_lender, member_due
from kaft.interlibrary.services.outbox import header_for, message_queue
from kaft.members.models import Member, User
from kaft.notices.services.interlibrary import notice_queue_ill_arrived
from kaft.privacy.errors import PrivacyError
from kaft.privacy.services.disclosure import disclosure_record


def _next_partner(tried: list[int]) -> LibraryPartner | None:
    return (
        LibraryPartner.objects.filter(active=True)
        .exclude(pk__in=tried)
        .order_by("rota_order", "name", "pk")
        .first()
    )


@transaction.atomic
def request_raise(
    *,
    branch: Branch,
    member: Member | None,
    staff: User | None,
    title: str = "",
    author: str = "",
    isbn: str = "",
    description: str = "",
    partner: LibraryPartner | None = None,
    now: dt.datetime | None = None,
) -> InterlibraryRequest:
    """A new request for ``member`` (None: for the library itself), sent to ``partner`` or the
    rota's first. Refused (nothing written): nothing to ask for; no active partner; a partner
    that needs patron data without an agreement covering it."""
    title, author, isbn = title.strip()[:500], author.strip()[:255], isbn.strip()[:20]
    description = description.strip()[:2000]
    if not (title or isbn or description):
        raise IllError(IllErrorCode.NOTHING_TO_ASK)
    if partner is not None and not partner.active:
        raise IllError(IllErrorCode.PARTNER_INACTIVE)
    now = now or timezone.now()
    request = InterlibraryRequest.objects.create(
        role=IllRole.REQUESTING,
        status=IllStatus.NEW,
        branch=branch,
        member=member,
        staff=staff,
        title=title,
        author=author,
        isbn=isbn,
        description=description,
        requesting_id=f"{branch.isil}-{secrets.token_hex(8)}",
        created_at=now,
    )
    chosen = partner or _next_partner([])
    if chosen is None:
        raise IllError(IllErrorCode.NO_PARTNER)
    _send_to(request, chosen, staff)
    return request


def _patron(
    request: InterlibraryRequest, partner: LibraryPartner, staff: User | None
) -> iso18626.Patron:
    """The patron block for ``partner``: only its registered fields, with a disclosure; an empty
    block (none sent) when it requires nothing."""
    member = request.member
    fields = [f for f in partner.patron_fields if f in PatronField.values]
    if member is None or not fields:
        return iso18626.Patron()
    agreement = partner.agreement
    categories = sorted({PATRON_FIELD_CATEGORY[f] for f in fields})
    if agreement is None or not set(categories) <= set(agreement.categories):
        raise IllError(IllErrorCode.NO_AGREEMENT)
    disclosure_record(member=member, categories=categories, partner=agreement, staff=staff)
    request.patron_fields_sent = fields
    return iso18626.Patron(
        patron_id=member.card_number if PatronField.CARD_NUMBER in fields else "",
        surname=" ".join(p for p in (member.name_prefix, member.last_name) if p)
        if PatronField.NAME in fields
        else "",
        given_name=member.first_name if PatronField.NAME in fields else "",
        email=member.email if PatronField.EMAIL in fields else "",
    )


def _send_to(request: InterlibraryRequest, partner: LibraryPartner, staff: User | None) -> None:
    request.partner = partner
    request.tried = [*request.tried, partner.pk]
    request.fee = partner.fee
    request.supplying_id = ""
    patron = _patron(request, partner, staff)
    request.save(update_fields=["partner", "tried", "fee", "supplying_id", "patron_fields_sent"])
    body = iso18626.build_request(
        header=header_for(request),
        title=request.title,
        author=request.author,
        isbn=request.isbn,
        description=request.description,
        patron=patron,
    )
    message_queue(request=request, kind="request", body=body)


def request_on_supplier_message(*, request: InterlibraryRequest, message: iso18626.Message) -> None:
    """Apply a ``supplyingAgencyMessage`` to our locked request (in the caller's transaction):
    the status it reports as a move of the table, its due date (only while the book is lent to
    us); ``Unfilled`` goes on to the next partner of the rota that may lawfully receive the
    request (:func:`_rota_next`). A status the table does not reach from here (one going back,
    a move after the request closed) raises :class:`IllError` (the caller answers with an error
    and nothing changes); the same status again is a repeat and changes nothing but a due date."""
    fields = message.fields
    header = message.header
    if header is not None and header.supplying_request_id and not request.supplying_id:
        request.supplying_id = header.supplying_request_id[:64]
        request.save(update_fields=["supplying_id"])
    now = timezone.now()
    reported = IllStatus(fields["status"])
    if request.status == IllStatus.NEW and reported != IllStatus.NEW:
        # The supplier answers before its confirmation reached us: it has the request.
        request_apply(request=request, action=IllAction.SEND, at=now)
    before = IllStatus(request.status)
    move = move_for_status(before, reported)
    if move is None and reported != before:
        raise IllError(IllErrorCode.MOVE_NOT_ALLOWED, status=before.label, action=reported.label)
    if move is not None:
        request_apply(request=request, action=move, at=now, note=fields.get("note", ""))
    due = iso18626.due_date_of(fields.get("due_date", ""))
    due_changed = (
        due is not None and due != request.due_date and IllStatus(request.status) in _LENT_TO_US
    )
    if due_changed:
        request.due_date = due
        request.save(update_fields=["due_date"])
    if move == IllAction.RECALL or due_changed:
        follow_lender(request, recalled=move == IllAction.RECALL, now=now)
    if move == IllAction.UNFILL:
        _rota_next(request, now)


# While the book is lent to us: the states in which the lender's due date counts.
_LENT_TO_US = (IllStatus.LOANED, IllStatus.OVERDUE, IllStatus.RECALLED)


def _rota_next(request: InterlibraryRequest, now: dt.datetime) -> None:
    """After an ``Unfilled``: ask the next partner of the rota not yet asked; one that may not
    receive what the request would carry (no agreement for the member's data, or no consent) is
    passed over. None left: the request stays Unfilled for staff to decide. Each try is its own
    savepoint, so a partner passed over leaves nothing behind."""
    passed: list[int] = []
    while (partner := _next_partner([*request.tried, *passed])) is not None:
        try:
            with transaction.atomic():
                request_apply(request=request, action=IllAction.NEXT_PARTNER, at=now)
                _send_to(request, partner, None)
            return
        except (IllError, PrivacyError):
            request.refresh_from_db()
            passed.append(partner.pk)


def _tell(request: InterlibraryRequest, action: str, note: str = "") -> None:
    body = iso18626.build_requesting_message(header=header_for(request), action=action, note=note)
    message_queue(request=request, kind=f"requestingAgencyMessage:{action}", body=body)


def _requesting(request_id: int) -> InterlibraryRequest:
    request = request_for_update(request_id)
    if request.role != IllRole.REQUESTING:
        raise IllError(IllErrorCode.WRONG_ROLE)
    return request


@transaction.atomic
def request_receive(
    *, request: InterlibraryRequest, staff: User | None, branch: Branch, barcode: str = ""
) -> InterlibraryRequest:
    """The book arrived at the desk: a temporary title and copy (``barcode``, or ``IBL`` and the
    request's number), lent to the member; the fee charged; the partner told ``Received``.
    Locks the request, then what checkout locks. Refused: not lent to us (yet), already
    received, or what checkout refuses (the member's block or loan limit): nothing written."""
    locked = _requesting(request.pk)
    if locked.received_at is not None:
        raise IllError(IllErrorCode.ALREADY_RECEIVED)
    now = timezone.now()
    request_apply(request=locked, action=IllAction.RECEIVE, at=now, staff=staff)
    partner_name = locked.partner.name if locked.partner else ""
    record = record_create(
        description=Description(
            # Never the member's own description: the title stays in the catalogue's tables.
            title=(locked.title or locked.isbn or _("A book from another library"))[:200],
            subtitle=_("Interlibrary loan from %(partner)s") % {"partner": partner_name},
            language="",
        ),
        staff=staff,
        branch=branch,
        now=now,
    )
    item = item_add(
        record=record,
        barcode=barcode or f"IBL{locked.pk:08d}",
        branch=branch,
        staff=staff,
        item_type=ItemType.INTERLIBRARY,
        replacement_price=Decimal("0.00"),
        call_number="IBL",
        now=now,
    )
    locked.item = item
    locked.received_at = now
    fields = ["item", "received_at"]
    if locked.member is not None:
        loan = loan_checkout(item=item, member=locked.member, staff=staff, branch=branch, now=now)
        lender_due = member_due(locked.due_date)
        if lender_due is not None and lender_due < loan.due_date:
            loan = (
                loan_due_date_set(loan_id=loan.pk, due_date=lender_due, staff=staff, now=now)
                or loan
            )
        notice_queue_ill_arrived(
            member=locked.member,
            request_id=locked.pk,
            title=record.title,
            partner_name=partner_name,
            branch_name=branch.name,
            due_date=loan.due_date,
            now=now,
        )
        if locked.fee:
            locked.charge = charge_create(
                member=locked.member,
                kind=ChargeKind.INTERLIBRARY,
                amount=locked.fee,
                now=now,
                item=item,
                branch=branch,
                staff=staff,
                note=locked.title[:200],
            )
            fields.append("charge")
    locked.save(update_fields=fields)
    _tell(locked, "Received")
    return locked


@transaction.atomic
def request_ship_return(
    *, request: InterlibraryRequest, staff: User | None, branch: Branch
) -> InterlibraryRequest:
    """The book goes back to the partner: the temporary copy (checked in first, at *Inleveren*)
    is withdrawn; the partner is told ``ShippedReturn``."""
    locked = _requesting(request.pk)
    if locked.received_at is None:
        raise IllError(IllErrorCode.NOT_RECEIVED)
    if locked.returned_at is not None:
        raise IllError(IllErrorCode.ALREADY_SHIPPED_BACK)
    if locked.item is not None and locked.item.status == ItemStatus.ON_LOAN:
        raise IllError(IllErrorCode.STILL_ON_LOAN)
    now = timezone.now()
    request_apply(request=locked, action=IllAction.SHIP_RETURN, at=now, staff=staff)
    if locked.item is not None and locked.item.status != ItemStatus.WITHDRAWN:
        item_apply(
            item=locked.item,
            action=ItemAction.WITHDRAW,
            at=now,
            branch=branch,
            staff=staff,
            reason=_("Interlibrary loan: shipped back"),
        )
    locked.returned_at = now
    locked.save(update_fields=["returned_at"])
    _tell(locked, "ShippedReturn")
    return locked


@transaction.atomic
def request_renew_ask(*, request: InterlibraryRequest, staff: User | None) -> InterlibraryRequest:
    """Ask the partner for a later due date (its ``RenewResponse`` brings the answer)."""
    locked = _requesting(request.pk)
    if locked.status not in (IllStatus.LOANED, IllStatus.OVERDUE, IllStatus.RECALLED):
        raise IllError(
            IllErrorCode.MOVE_NOT_ALLOWED,
            status=IllStatus(locked.status).label,
            action=IllAction.RENEW.label,
        )
    _tell(locked, "Renew")
    return locked


@transaction.atomic
def request_cancel(*, request: InterlibraryRequest, staff: User | None) -> InterlibraryRequest:
    """Cancel: not yet sent, at once; otherwise the partner is asked (its ``CancelResponse``
    closes the request). Refused once the book is lent to us."""
    locked = _requesting(request.pk)
    if (IllStatus(locked.status), IllAction.CANCEL) not in _cancellable():
        raise IllError(
            IllErrorCode.MOVE_NOT_ALLOWED,
            status=IllStatus(locked.status).label,
            action=IllAction.CANCEL.label,
        )
    if locked.status == IllStatus.NEW and not locked.messages.filter(status="sent").exists():
        # Never reached a partner: cancelled here, and what waits to be sent stays unsent.
        locked.messages.filter(status="pending").update(
            status="failed", last_error="cancelled", body=""
        )
        request_apply(request=locked, action=IllAction.CANCEL, at=timezone.now(), staff=staff)
        return locked
    _tell(locked, "Cancel")
    return locked


def _cancellable() -> set[tuple[IllStatus, IllAction]]:
    from kaft.interlibrary.lifecycle import REQUEST_TRANSITIONS

    return {key for key in REQUEST_TRANSITIONS if key[1] == IllAction.CANCEL}
