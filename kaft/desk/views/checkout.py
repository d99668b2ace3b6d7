"""The circulation screen: scan a card to serve a member, scan items to lend them, renew.

One scan field takes both card numbers and item barcodes: a known card number always switches
to that member; anything else is an item barcode for the member being served. Item scans and
renewals carry the id of the member their page shows and are refused (nothing done) when another
tab has switched this session to someone else meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kaft.catalog.barcodes import barcode_is_valid
from kaft.catalog.errors import CatalogErrorCode
from kaft.catalog.models import Item
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.models import Loan
from kaft.circulation.selectors.loans import CheckoutFacts, loan_last_id
from kaft.circulation.services import loan_checkout
from kaft.core.sessions import session_save_in_transaction
from kaft.desk.access import (
    DeskRequest,
    MemberMismatch,
    active_member,
    active_member_set,
    card_holder,
    desk_view,
    member_id_shown_check,
    member_look,
    served_member_id,
)
from kaft.desk.views.common import (
    desk_render,
    fragment,
    iso,
    member_mismatch_message,
    member_panel_context,
    member_panel_draw,
    processed_answer,
    scan_answer,
    scan_refused,
    wants_json,
)
from kaft.desk.views.scan_rows import (
    AFTER,
    ROWS,
    refused_copy,
    refused_row,
    row_answer,
    row_display,
    row_drawn,
    row_keep,
    scan_rows,
    session_loans,
)
from kaft.members.cards import card_number_is_valid
from kaft.members.errors import MemberErrorCode
from kaft.members.models import Member
from kaft.notices.services.receipts import notice_queue_loan_receipt
from kaft.privacy.models import AccessPurpose, DataPart

logger = logging.getLogger(__name__)


@desk_view
@require_GET
def checkout_page(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = active_member(desk)
    context: dict[str, Any] = {"member": None, "rows": []}
    if member is not None:
        context.update(member_panel_context(desk, member))
        context["rows"] = [row_display(row) for row in scan_rows(desk, member)]
    return desk_render(request, "desk/checkout.html", context)


@desk_view
@require_POST
def scan(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    value = request.POST.get("value", "").strip()
    back = reverse("desk:checkout")
    if not value:
        return scan_answer(request, fallback=back)
    malformed = _malformed(desk, value)
    if malformed:
        return scan_refused(request, fallback=back, message=malformed)
    is_card = card_number_is_valid(value)
    member_id = served_member_id(desk)
    try:
        member_id_shown_check(desk, member_id)
        mismatch = False
    except MemberMismatch:  # another tab switched member: a card still switches, nothing else
        mismatch = True
    # Nobody served, or a page showing someone else: a card switches to its holder here. While
    # the page shows the member served, the checkout tells a card (below).
    if is_card and (member_id is None or mismatch):
        holder = card_holder(value)
        if holder is not None:
            return _serve(desk, holder)
    if mismatch:
        return scan_refused(request, fallback=back, message=member_mismatch_message())
    if member_id is None:
        row = {"value": value, "title": "", "due": None, "error": _not_a_card(value)}
        return row_answer(desk, row, replace={})
    # The checkout says whether the scan is a card from its first statement (the served
    # member's lock), before it reads any copy.
    return _lend_scan(desk, member_id, value, is_card=is_card)


def _lend_scan(desk: DeskRequest, member_id: int, value: str, *, is_card: bool) -> HttpResponse:
    """Lend the scanned copy to the member being served (``member_id``).

    The loan and the look at what the answer shows of the member (the access log) commit
    together, in one transaction; the session is not written (the row of a plain lend is read
    from the loan, :func:`scan_rows`). The answer is drawn after the commit from what was read
    inside it. A failure to draw it cannot undo the loan, and is answered as what it is:
    processed, not shown (:func:`processed_answer`), never "not processed".

    What the scan script is sent of the member panel: after a plain lend only the new loan (its
    row for the loans table, and the count), since nothing else on the panel changed; after a
    refusal, or a lend that fulfils the member's reservation, the whole panel as it is now.
    """
    script = wants_json(desk)
    shown: dict[str, Any] | None = None

    def kept(
        row: dict[str, Any], member: Member, loan: Loan | None, facts: CheckoutFacts | None
    ) -> None:
        """In the loan's transaction (or the refusal's own): the row, the look, the session."""
        nonlocal shown
        if loan is None:
            row_keep(desk, row)
        elif AFTER not in desk.session:  # a session from before the rows were read from loans
            desk.session[AFTER] = loan.pk - 1
        if not script:
            pass
        elif loan is not None and facts is not None and not facts.has_active_hold:
            shown = _new_loan_shown(desk, member, loan, facts)
        else:
            shown = member_panel_context(desk, member)
        session_save_in_transaction(desk)

    try:
        row = _lend(desk, member_id, value, kept, is_card=is_card)
    except CirculationError as error:
        return _not_lent(desk, value, error)
    try:
        return _lend_drawn(desk, row, shown)
    except Exception:  # the loan is committed: whatever broke, say that it was done
        logger.exception("desk scan %s committed but not drawn", value)
        return processed_answer(desk, fallback=reverse("desk:checkout"), value=value)


def _not_lent(desk: DeskRequest, value: str, error: CirculationError) -> HttpResponse:
    """A scan the checkout did not take as a copy: a card (its holder is served from now on),
    or the served member is no longer registered (nobody is served any more)."""
    if error.code == CirculationErrorCode.BARCODE_IS_A_CARD:
        holder = card_holder(value)
        if holder is not None:
            return _serve(desk, holder)
        # the card was renumbered or its member erased in between: nothing changes here
        return scan_refused(
            desk, fallback=reverse("desk:checkout"), message=MemberErrorCode.UNKNOWN_CARD.message
        )
    with transaction.atomic():
        _session_start(desk, None)
        session_save_in_transaction(desk)
    if not wants_json(desk):
        messages.error(desk, error.message)
    return _nobody_served(desk, error.message)


def _new_loan_shown(
    desk: DeskRequest, member: Member, loan: Loan, facts: CheckoutFacts
) -> dict[str, Any]:
    """The new loan as the loans table shows it (from what the checkout read under its locks:
    no query), its look at the member's loans written to the access log."""
    # What the loans table reads of a loan, as member_panel_context gives it: a new loan at the
    # desk has no late fee, no renewal and no renewal result (each lookup that misses costs the
    # template a search of the object's attributes).
    loan.renewals_left = max(facts.rule.renewals_allowed - loan.renewals, 0)  # type: ignore[attr-defined]
    loan.fine = loan.renew_result = None  # type: ignore[attr-defined]
    loan.lent_via = loan.renewed_via = ""  # type: ignore[attr-defined]
    member_look(desk, member, (DataPart.LOANS,), purpose=AccessPurpose.DESK)
    today = timezone.localdate()
    count = facts.open_loans + 1
    return {"new_loan": loan, "count": count, "member": member, "today": today, "renew": True}


def _lend_drawn(
    desk: DeskRequest, row: dict[str, Any], shown: dict[str, Any] | None
) -> HttpResponse:
    if shown is None:
        return row_drawn(desk, row, replace={})
    if "new_loan" not in shown:
        return row_drawn(desk, row, replace=member_panel_draw(desk, shown))
    loan = shown["new_loan"]
    if shown["count"] == 1:  # the panel said "No loans.": the loans section, with this one
        loans = fragment(desk, "desk/_loans.html", {**shown, "loans": [loan]})
        return row_drawn(desk, row, replace={"member-loans": loans})
    added = {
        "row": fragment(desk, "desk/_loan_row.html", {**shown, "loan": loan}),
        "heading": fragment(desk, "desk/_loans_heading.html", shown),
        "due": iso(loan.due_date) or "",
    }
    return row_drawn(desk, row, replace={}, loan=added)


def _serve(desk: DeskRequest, member: Member) -> HttpResponse:
    """Serve ``member`` from now on; the end of the previous member's session, the look at the
    new member's panel and the session commit together."""
    with transaction.atomic():
        _session_end(desk)
        _session_start(desk, member)
        context = member_panel_context(desk, member)
        session_save_in_transaction(desk)
    panel = fragment(desk, "desk/_member_panel.html", context)
    actions = fragment(desk, "desk/_receipt_actions.html", {"member": member})
    return scan_answer(
        desk,
        fallback=reverse("desk:checkout"),
        replace={"member-panel": panel, "receipt-actions": actions},
        clear=True,
        announce=_("Serving %(name)s.") % {"name": member.full_name},
        member=member,
    )


def _session_start(desk: DeskRequest, member: Member | None) -> None:
    """Serve ``member`` (None: nobody) from now on, with an empty list of scans: lends after the
    newest loan there is now belong to this session (:func:`scan_rows`)."""
    active_member_set(desk, member)
    desk.session[ROWS] = []
    if member is None:
        desk.session.pop(AFTER, None)
    else:
        desk.session[AFTER] = loan_last_id()


def _nobody_served(desk: DeskRequest, announce: str) -> HttpResponse:
    """The answer when the screen serves nobody any more: an empty panel, saying ``announce``."""
    empty = fragment(desk, "desk/_member_panel.html", {"member": None})
    return scan_answer(
        desk,
        fallback=reverse("desk:checkout"),
        replace={"member-panel": empty, "receipt-actions": ""},
        clear=True,
        announce=announce,
        member=None,
    )


def _malformed(desk: DeskRequest, value: str) -> str:
    """Why ``value`` can be neither a card number nor a barcode, or "" when it can be one.

    The rules are those of the members and the catalogue; such a scan is refused before anything
    is looked up or stored. The message names what the screen expects: a card while nobody is
    being served, else a barcode.
    """
    if card_number_is_valid(value) or barcode_is_valid(value):
        return ""
    if active_member(desk) is None:
        return MemberErrorCode.CARD_NUMBER_INVALID.message
    return CatalogErrorCode.BARCODE_MALFORMED.message


def _not_a_card(value: str) -> str:
    if Item.objects.filter(barcode=value).exists():
        return _("This is an item barcode. Scan the member's card first.")
    if not card_number_is_valid(value):
        return MemberErrorCode.CARD_NUMBER_INVALID.message
    return MemberErrorCode.UNKNOWN_CARD.message


def _lend(
    desk: DeskRequest,
    member_id: int,
    value: str,
    kept: Callable[[dict[str, Any], Member, Loan | None, CheckoutFacts | None], None],
    *,
    is_card: bool,
) -> dict[str, Any]:
    """Lend the copy scanned as ``value``; its row, with the member, the loan made and what the
    checkout read under its locks (None: refused), goes to ``kept``: in the loan's transaction
    (the loan's is the outermost transaction, so it needs no savepoint), or after a refusal in a
    transaction of its own (nothing of the refused loan was written).

    A scan that is a card (``is_card`` and some member's card number) or a served member no
    longer registered raises its :class:`CirculationError`: no row, see :func:`_not_lent`."""
    lent: dict[str, Any] = {}

    def made(loan: Loan, facts: CheckoutFacts) -> None:
        title = loan.item.record.title  # the copy was locked with its record
        lent.update(value=value, title=title, due=iso(loan.due_date), error="")
        assert loan.member is not None  # the member locked and lent to
        kept(lent, loan.member, loan, facts)

    try:
        loan_checkout(
            barcode=value,
            member_id=member_id,
            cards_first=is_card,
            staff=desk.user,
            branch=desk.staff_branch,
            then=made,
        )
    except CirculationError as error:
        if error.code in NOT_A_LEND:
            raise
        member = active_member(desk)
        if member is None:
            raise CirculationError(CirculationErrorCode.MEMBER_UNKNOWN) from error
        row = refused_row(value, refused_copy(value, error), member, error)
        with transaction.atomic():
            kept(row, member, None, None)
        return row
    return lent


NOT_A_LEND = (CirculationErrorCode.BARCODE_IS_A_CARD, CirculationErrorCode.MEMBER_UNKNOWN)


def _session_end(desk: DeskRequest) -> None:
    """The session with the member being served ends: the e-mailed receipt of what was lent in
    it, when the member chose one (:func:`notice_queue_loan_receipt` decides)."""
    member = active_member(desk)
    if member is None or not member.email_receipt:
        return
    loans = session_loans(desk, member)
    notice_queue_loan_receipt(member=member, loans=loans, branch=desk.staff_branch)


@desk_view
@require_POST
def next_member(request: HttpRequest) -> HttpResponse:
    """Escape: the member has been served; the screen is ready for the next one."""
    desk = cast(DeskRequest, request)
    _session_end(desk)
    _session_start(desk, None)
    return _nobody_served(desk, _("Ready for the next member."))
