"""The circulation screen: scan a card to serve a member, scan items to lend them, renew.

One scan field takes both card numbers and item barcodes: a known card number always switches
to that member; anything else is an item barcode for the member being served. Item scans and
renewals carry the id of the member their page shows and are refused (nothing done) when another
tab has switched this session to someone else meanwhile.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kaft.catalog.barcodes import barcode_is_valid
from kaft.catalog.errors import CatalogErrorCode
from kaft.catalog.models import Item
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.models import Loan
from kaft.circulation.selectors.loans import (
    CheckoutFacts,
    item_by_barcode,
    item_open_loan,
    loans_lent_by,
    member_open_loans,
)
from kaft.circulation.selectors.slips import receipt_loans
from kaft.circulation.services import loan_checkout, loan_renew
from kaft.circulation.services.renew_all import loans_renew_all
from kaft.core.sessions import session_save_in_transaction
from kaft.desk.access import (
    DeskRequest,
    MemberMismatch,
    active_member,
    active_member_set,
    active_member_shown,
    card_holder,
    desk_view,
    member_id_shown_check,
    member_look,
    served_member_id,
)
from kaft.desk.views.common import (
    SESSION_ROWS_KEPT,
    desk_render,
    fragment,
    from_iso,
    iso,
    member_mismatch_message,
    member_panel_after,
    member_panel_context,
    member_panel_draw,
    processed_answer,
    scan_answer,
    scan_refused,
    session_rows,
    session_rows_add,
    wants_json,
)
from kaft.desk.words import refusal
from kaft.members.cards import card_number_is_valid
from kaft.members.errors import MemberErrorCode
from kaft.members.models import Member
from kaft.notices.services.receipts import notice_queue_loan_receipt
from kaft.privacy.models import AccessPurpose, DataPart

# The rows of the member's session that the loans cannot tell (refusals, hand-overs, copies set
# aside), and when the session with the member began: the plain lends since then are read from
# the loans (scan_rows), so a lend writes nothing to the session.
ROWS = "desk_checkout_rows"
SINCE = "desk_checkout_since"

logger = logging.getLogger(__name__)


# Every key the row template reads: a key a row lacks costs the template a search of the dict's
# attributes before it gives up (most rows are plain lends and lack most of them).
ROW_SHOWN = {"title": "", "error": "", "offer": None, "kept_for": "", "to_branch": ""}
ROW_SHOWN |= {"returned": False, "late": False}


def _display(row: dict[str, Any]) -> dict[str, Any]:
    return {**ROW_SHOWN, **row, "due": from_iso(row.get("due"))}


@desk_view
@require_GET
def checkout_page(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = active_member(desk)
    context: dict[str, Any] = {"member": None, "rows": []}
    if member is not None:
        context.update(member_panel_context(desk, member))
        context["rows"] = [_display(row) for row in scan_rows(desk, member)]
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
    if member_id is None:  # nobody served: a card, or a scan that cannot be lent to anyone
        holder = card_holder(value) if is_card else None
        if holder is not None:
            return _serve(desk, holder)
    try:
        member_id_shown_check(desk, member_id)
    except MemberMismatch:
        return scan_refused(request, fallback=back, message=member_mismatch_message())
    if member_id is None:
        row = {"value": value, "title": "", "due": None, "error": _not_a_card(value)}
        return row_answer(desk, row, replace={})
    # A card while someone is served switches to its holder: the checkout says so from its
    # first statement (the served member's lock), before it reads any copy.
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
            _row_keep(desk, row)
        elif SINCE not in desk.session:  # a session from before the rows were read from loans
            desk.session[SINCE] = loan.checked_out_at.isoformat()
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
    with transaction.atomic():
        active_member_set(desk, None)
        desk.session[ROWS] = []
        desk.session.pop(SINCE, None)
        session_save_in_transaction(desk)
    if not wants_json(desk):
        messages.error(desk, error.message)
    empty = fragment(desk, "desk/_member_panel.html", {"member": None})
    return scan_answer(
        desk,
        fallback=reverse("desk:checkout"),
        replace={"member-panel": empty, "receipt-actions": ""},
        clear=True,
        announce=error.message,
        member=None,
    )


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


def row_answer(desk: DeskRequest, row: dict[str, Any], *, replace: dict[str, str]) -> HttpResponse:
    """Keep ``row`` in this session's list and answer the scan script with it."""
    _row_keep(desk, row)
    return row_drawn(desk, row, replace=replace)


def _row_keep(desk: DeskRequest, row: dict[str, Any]) -> None:
    """Keep ``row`` in the session's rows, stamped with the time (the order of the rows)."""
    session_rows_add(desk, ROWS, {**row, "at": timezone.now().isoformat()})


def scan_rows(desk: DeskRequest, member: Member) -> list[dict[str, Any]]:
    """The rows of the session with ``member`` at this screen, in the order of the scans: those
    the session keeps, and the loans this staff member lent the member here since the session
    began (one query), except those a kept row already tells (a hand-over)."""
    kept = session_rows(desk, ROWS)
    since = desk.session.get(SINCE)
    if not isinstance(since, str):
        return kept
    told = {row.get("loan") for row in kept}
    lent = [
        {
            "value": loan.item.barcode,
            "title": loan.record.title,
            "due": iso(loan.due_date),
            "error": "",
            "at": loan.checked_out_at.isoformat(),
        }
        for loan in loans_lent_by(
            member_id=member.pk,
            branch_id=desk.staff_branch.pk,
            staff_id=desk.user.pk,
            since=dt.datetime.fromisoformat(since),
        )
        if loan.pk not in told
    ]
    rows = sorted([*kept, *lent], key=lambda row: str(row.get("at", "")))
    return rows[-SESSION_ROWS_KEPT:]


def row_drawn(
    desk: DeskRequest,
    row: dict[str, Any],
    *,
    replace: dict[str, str],
    loan: dict[str, str] | None = None,
) -> HttpResponse:
    """The scan script's answer with ``row`` (already kept in the session's list)."""
    html = fragment(desk, "desk/_checkout_row.html", {"row": _display(row)})
    return scan_answer(
        desk,
        fallback=reverse("desk:checkout"),
        append=html,
        replace=replace,
        announce=announce(row),
        loan=loan,
    )


def _serve(desk: DeskRequest, member: Member) -> HttpResponse:
    """Serve ``member`` from now on; the end of the previous member's session, the look at the
    new member's panel and the session commit together."""
    with transaction.atomic():
        _session_end(desk)
        active_member_set(desk, member)
        desk.session[ROWS] = []
        desk.session[SINCE] = timezone.now().isoformat()
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
        row = refused_row(value, _refused_copy(value, error), member, error)
        with transaction.atomic():
            kept(row, member, None, None)
        return row
    return lent


NOT_A_LEND = (CirculationErrorCode.BARCODE_IS_A_CARD, CirculationErrorCode.MEMBER_UNKNOWN)


def _refused_copy(value: str, error: CirculationError) -> Item | None:
    """The copy of a refused lend, for its title (a refusal only: a lend reads it with its lock)."""
    if error.code == CirculationErrorCode.UNKNOWN_BARCODE:
        return None
    try:
        return item_by_barcode(value)
    except CirculationError:
        return None


def refused_row(
    value: str, item: Item | None, member: Member, error: CirculationError
) -> dict[str, Any]:
    """The row of a refused lend, in staff words. A copy still on loan to another member
    offers to take it in first and then lend it (``offer``: the member it would go to)."""
    row: dict[str, Any] = {
        "value": value,
        "title": item.record.title if item is not None else "",
        "due": None,
        "error": refusal(error, member=member, today=timezone.localdate()),
    }
    if item is not None and error.code == CirculationErrorCode.ITEM_ON_LOAN:
        loan = item_open_loan(item)
        if loan is not None and loan.member_id == member.pk:
            row["error"] = _("This member already has this item on loan.")
        else:
            row["offer"] = member.pk
    return row


def announce(row: dict[str, Any]) -> str:
    if row["error"]:
        return str(row["error"])
    if row.get("kept_for"):
        return _("Returned, not lent: %(title)s is set aside for another member.") % {
            "title": row["title"]
        }
    due = formats.date_format(from_iso(row["due"]) or "", "DATE_FORMAT")
    if row.get("returned"):
        return _("Returned and lent: %(title)s, due %(due)s.") % {
            "title": row["title"],
            "due": due,
        }
    return _("Lent: %(title)s, due %(due)s.") % {"title": row["title"], "due": due}


def session_loans(desk: DeskRequest, member: Member) -> list[Loan]:
    """The loans lent to ``member`` in this session (the session list), still open: what the
    receipt lists."""
    lent = [row["value"] for row in scan_rows(desk, member) if not row.get("error")]
    return list(receipt_loans(member, lent)) if lent else []


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
    active_member_set(desk, None)
    request.session[ROWS] = []
    request.session.pop(SINCE, None)
    empty = fragment(request, "desk/_member_panel.html", {"member": None})
    return scan_answer(
        request,
        fallback=reverse("desk:checkout"),
        replace={"member-panel": empty, "receipt-actions": ""},
        clear=True,
        announce=_("Ready for the next member."),
        member=None,
    )


def _renew_answer(
    desk: DeskRequest, member: Member, results: dict[int, tuple[bool, str]]
) -> HttpResponse:
    if not wants_json(desk):  # no script: the messages are shown on the reloaded page
        for ok, text in results.values():
            (messages.success if ok else messages.error)(desk, text)
        if not results:
            messages.info(desk, _("There is nothing to renew."))
        return redirect("desk:checkout")
    return scan_answer(
        desk,
        fallback=reverse("desk:checkout"),
        replace=member_panel_after(desk, member, results),
        announce=" ".join(text for _ok, text in results.values()),
    )


def _renew_one(desk: DeskRequest, member: Member, loan: Loan) -> tuple[bool, str]:
    title = loan.item.record.title
    try:
        renewed = loan_renew(loan=loan, staff=desk.user, via="desk")
    except CirculationError as error:
        return False, f"{title}: {refusal(error, member=member, today=timezone.localdate())}"
    due = formats.date_format(renewed.due_date, "DATE_FORMAT")
    return True, _("%(title)s renewed until %(due)s.") % {"title": title, "due": due}


def served_member(desk: DeskRequest) -> Member | HttpResponse:
    """The member being served, as the page shows; a refusal if another tab switched member."""
    try:
        member = active_member_shown(desk)
    except MemberMismatch:
        back = reverse("desk:checkout")
        return scan_refused(desk, fallback=back, message=member_mismatch_message())
    if member is None:
        raise Http404
    return member


@desk_view
@require_POST
def renew(request: HttpRequest, loan_id: int) -> HttpResponse:
    """Renew one loan of the member being served (another member's loan: 404)."""
    desk = cast(DeskRequest, request)
    member = served_member(desk)
    if isinstance(member, HttpResponse):
        return member
    loan = member_open_loans(member).filter(pk=loan_id).first()
    if loan is None:
        raise Http404
    return _renew_answer(desk, member, {loan.pk: _renew_one(desk, member, loan)})


@desk_view
@require_POST
def renew_all(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = served_member(desk)
    if isinstance(member, HttpResponse):
        return member
    # The same rule as MijnBibliotheek's "Alles verlengen": only what gains, a result per loan.
    results: dict[int, tuple[bool, str]] = {}
    for one in loans_renew_all(member=member, staff=desk.user, via="desk"):
        if one.renewed:
            due = formats.date_format(one.due_date, "DATE_FORMAT")
            text = _("%(title)s renewed until %(due)s.") % {"title": one.title, "due": due}
        else:
            text = f"{one.title}: {one.message}"
        results[one.loan_id] = (one.renewed, text)
    return _renew_answer(desk, member, results)
