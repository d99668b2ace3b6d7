"""Interlibrary loan in the demo: one partner library, Bibliotheek Rivierenland, and requests in
both roles and in several states, so the desk's pick list and request pages, and the demo
member's "From another library" in MijnBibliotheek, have something real to show.

Everything goes through the interlibrary services. What the partner "says" is a real ISO 18626
message, built with :mod:`kaft.interlibrary.iso18626` and handed to
:func:`~kaft.interlibrary.services.incoming.message_receive` with the partner's shared secret,
exactly as ``POST /api/iso18626`` would.

The partner's address is a local placeholder where nothing listens (the discard port): the demo
must never reach the network. The messages the demo itself made are recorded as confirmed by the
partner (the OK confirmation it would have answered, through the outbox's own bookkeeping), so
the tasks scheduled after the demo's commit find nothing pending and send nothing, and the
request pages read as an exchange that worked. A move staff make later in the running demo queues
a message the worker cannot deliver: it waits, is tried again by the beat job, and is marked
failed after the last attempt — which is what a partner that is down looks like.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kaft.catalog.models import Branch, Item, ItemStatus, ItemType
from kaft.circulation.services import loan_checkin
from kaft.demo.people import DEMO_CARD, MEMBER_COUNT, card
from kaft.interlibrary import iso18626
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
from kaft.interlibrary.services import outbox
from kaft.interlibrary.services.incoming import message_receive
from kaft.interlibrary.services.partners import library_partner_save
from kaft.interlibrary.services.requesting import (
    request_raise,
    request_receive,
    request_ship_return,
)
from kaft.interlibrary.services.supplying import supply_answer, supply_check_in, supply_ship
from kaft.members.models import Member, MemberStatus, User
from kaft.privacy.models import Partner

PARTNER_NAME = "Bibliotheek Rivierenland"
PARTNER_ISIL = "NL-Rivier"
# Nothing listens on the discard port: a message that is sent anyway is refused at once.
PARTNER_ENDPOINT = "http://127.0.0.1:9/api/iso18626"
PARTNER_SECRET = "demo-rivierenland-iso18626"
PARTNER_FEE = Decimal("2.50")
AGREEMENT = "Partnerbibliotheken (IBL)"  # the privacy register's entry (kaft.demo.partners)

# What our members asked Rivierenland for: (title, author, ISBN). The demo member has the three
# without a fee yet (the fee is charged when a book arrives, and she must stay under the money
# limit to borrow in the demo); the two books that arrived went to other members who may borrow.
ASKED = {
    "waiting": ("De avonden", "Gerard Reve", "9789023466611"),
    "expected": ("Het Bittere Kruid", "Marga Minco", "9789035136922"),
    "lent": ("Max Havelaar", "Multatuli", "9789025300449"),
    "unfilled": ("Kaas", "Willem Elsschot", "9789025305765"),
    "completed": ("Het stenen bruidsbed", "Harry Mulisch", "9789023462569"),
}


def _partner() -> LibraryPartner:
    agreement = Partner.objects.filter(name=AGREEMENT).first()
    return library_partner_save(
        partner=None,
        name=PARTNER_NAME,
        isil=PARTNER_ISIL,
        endpoint_url=PARTNER_ENDPOINT,
        secret=PARTNER_SECRET,
        # the name goes with a request: the agreement covers it, and "Who received my data"
        # shows it to the member
        patron_fields=[PatronField.NAME] if agreement is not None else [],
        fee=PARTNER_FEE,
        loan_days=28,
        rota_order=10,
        agreement=agreement,
    )


def _receive(body: bytes) -> None:
    """Hand a message from the partner to the endpoint's service; it must be accepted."""
    answer = message_receive(body=body, secret=PARTNER_SECRET)
    if answer.status != 200:  # a demo that cannot be loaded as meant is a bug: say so
        raise RuntimeError(f"the demo partner's message was refused: {answer.body!r}")


def _supplier_says(
    request: InterlibraryRequest,
    status: IllStatus,
    *,
    reason: str = "StatusChange",
    note: str = "",
    due_date: dt.date | None = None,
    shipped_at: dt.datetime | None = None,
) -> None:
    """Rivierenland, as the supplier of our ``request``, reports ``status``."""
    header = iso18626.Header(
        supplying_isil=PARTNER_ISIL,
        requesting_isil=request.branch.isil,
        requesting_request_id=request.requesting_id,
        supplying_request_id=f"{PARTNER_ISIL}-{request.pk:06d}",
    )
    _receive(
        iso18626.build_supplying_message(
            header=header,
            reason=reason,
            status=str(status),
            note=note,
            due_date=due_date,
            shipped_at=shipped_at,
        )
    )


def _requester_asks(branch: Branch, number: int, item: Item) -> InterlibraryRequest:
    """Rivierenland asks us for the title of ``item``: a new supplying request."""
    requesting_id = f"{PARTNER_ISIL}-A{number:05d}"
    header = iso18626.Header(
        supplying_isil=branch.isil,
        requesting_isil=PARTNER_ISIL,
        requesting_request_id=requesting_id,
    )
    record = item.record
    _receive(
        iso18626.build_request(
            header=header,
            title=record.title,
            author=(record.contributors.splitlines() or [""])[0],
            isbn=record.isbn,
        )
    )
    return InterlibraryRequest.objects.get(role=IllRole.SUPPLYING, requesting_id=requesting_id)


def _requester_does(request: InterlibraryRequest, action: str) -> None:
    """Rivierenland, as the requester of our supplying ``request``, tells us ``action``."""
    header = iso18626.Header(
        supplying_isil=request.branch.isil,
        requesting_isil=PARTNER_ISIL,
        requesting_request_id=request.requesting_id,
        supplying_request_id=request.supplying_id,
    )
    _receive(iso18626.build_requesting_message(header=header, action=action))


def _confirm_outbox(partner: LibraryPartner) -> None:
    """The partner's OK confirmation of every message the demo made, recorded as the outbox
    records one it receives (sent, body emptied): nothing is left for the worker to send."""
    pending = OutgoingMessage.objects.filter(
        request__partner=partner, status=OutboxStatus.PENDING
    ).select_related("request__branch", "request__partner")
    for message in pending:
        kind, _, detail = message.kind.partition(":")
        body = iso18626.build_confirmation(
            kind=kind,
            header=outbox.header_for(message.request),
            received_at=message.created_at,
            reason=detail if kind == "supplyingAgencyMessage" else "",
            action=detail if kind == "requestingAgencyMessage" else "",
        )
        outbox.message_outcome(message.pk, iso18626.message_parse(body), "")


def _on_the_shelf(branch: Branch, count: int) -> list[Item]:
    """``count`` copies a partner may ask for, each of another title: books on the shelf at
    ``branch``, of the demo's own titles with an ISBN, none of whose copies is out or reserved
    (so the demo's loans and reservations are not touched)."""
    chosen: list[Item] = []
    candidates = (
        Item.objects.filter(
            home_branch=branch,
            current_branch=branch,
            item_type=ItemType.BOOK,
            status=ItemStatus.AVAILABLE,
            record__control_number__startswith="kaft-demo-",
        )
        .exclude(record__isbn="")
        .select_related("record")
        .order_by("-barcode")
    )
    for item in candidates.iterator():
        busy = Item.objects.filter(record_id=item.record_id).exclude(status=ItemStatus.AVAILABLE)
        if item.record.holds.exists() or busy.exists():
            continue
        if any(other.record_id == item.record_id for other in chosen):
            continue
        chosen.append(item)
        if len(chosen) == count:
            break
    return chosen


def _borrowers(count: int) -> list[Member]:
    """Members of the demo (not the fixed four) who may borrow now: active, not held back by
    money; in card order."""
    from kaft.billing.selectors.charges import member_money_block

    found: list[Member] = []
    for n in range(5, MEMBER_COUNT + 1):
        member = Member.objects.filter(card_number=card(n), status=MemberStatus.ACTIVE).first()
        if member is not None and member_money_block(member) is None:
            found.append(member)
            if len(found) == count:
                break
    return found


def _ask(
    branch: Branch,
    staff: User,
    partner: LibraryPartner,
    key: str,
    member: Member,
    now: dt.datetime,
) -> InterlibraryRequest:
    title, author, isbn = ASKED[key]
    return request_raise(
        branch=branch,
        member=member,
        staff=staff,
        title=title,
        author=author,
        isbn=isbn,
        partner=partner,
        now=now,
    )


@transaction.atomic
def interlibrary_ensure(*, branches: list[Branch], staff: User, now: dt.datetime) -> LibraryPartner:
    """Rivierenland and its requests, once (by the partner's ISIL). Needs the demo's members,
    catalogue and the privacy register's partners; a savepoint, so a caller may carry on
    without it."""
    existing = LibraryPartner.objects.filter(isil=PARTNER_ISIL).first()
    if existing is not None:
        return existing
    branch = branches[0]
    demo = Member.objects.get(card_number=DEMO_CARD)
    first, second = _borrowers(2)
    partner = _partner()
    today = now.date()

    # --- We request, for our members ------------------------------------------------------
    # Sent; the partner confirmed it has the request (RequestReceived).
    _ask(branch, staff, partner, "waiting", demo, now - dt.timedelta(days=1))
    # The partner expects to supply it.
    expected = _ask(branch, staff, partner, "expected", demo, now - dt.timedelta(days=3))
    _supplier_says(expected, IllStatus.EXPECT_TO_SUPPLY, reason="RequestResponse")
    # Lent to us and received at the desk: a temporary copy lent to the member, the fee charged.
    lent = _ask(branch, staff, partner, "lent", first, now - dt.timedelta(days=9))
    _supplier_says(
        lent,
        IllStatus.LOANED,
        due_date=today + dt.timedelta(days=28),
        shipped_at=now - dt.timedelta(days=2),
    )
    request_receive(request=lent, staff=staff, branch=branch)
    # The partner cannot supply it, and no other library is in the rota: closed.
    unfilled = _ask(branch, staff, partner, "unfilled", demo, now - dt.timedelta(days=12))
    _supplier_says(
        unfilled,
        IllStatus.UNFILLED,
        reason="RequestResponse",
        note="Niet in onze collectie.",
    )
    # Lent, read, returned at the desk, shipped back, and completed by the partner.
    completed = _ask(branch, staff, partner, "completed", second, now - dt.timedelta(days=40))
    _supplier_says(
        completed,
        IllStatus.LOANED,
        due_date=today + dt.timedelta(days=7),
        shipped_at=now - dt.timedelta(days=35),
    )
    completed = request_receive(request=completed, staff=staff, branch=branch)
    assert completed.item is not None
    loan_checkin(item=completed.item, branch=branch, staff=staff)
    request_ship_return(request=completed, staff=staff, branch=branch)
    _supplier_says(completed, IllStatus.LOAN_COMPLETED)

    # --- The partner requests, we supply ----------------------------------------------------
    picked, shipped, returned = _on_the_shelf(branch, 3)
    # On the pick list: a copy is on our shelf, to fetch and ship.
    _requester_asks(branch, 1, picked)
    # Lent to the partner: our copy is out.
    out = _requester_asks(branch, 2, shipped)
    supply_answer(request=out, action=IllAction.WILL_SUPPLY, staff=staff)
    supply_ship(request=out, barcode=shipped.barcode, staff=staff, branch=branch)
    _requester_does(out, "Received")
    # Lent, returned by the partner and checked in: completed.
    back = _requester_asks(branch, 3, returned)
    supply_ship(request=back, barcode=returned.barcode, staff=staff, branch=branch)
    _requester_does(back, "Received")
    _requester_does(back, "ShippedReturn")
    supply_check_in(request=back, staff=staff, branch=branch)

    _confirm_outbox(partner)
    return partner


def interlibrary_add_to_older_demo() -> bool:
    """A demo loaded before interlibrary loan came gets Rivierenland and its requests once;
    whether they were added. What was changed in that demo since (a member blocked, a copy
    lent) may make a service refuse: then nothing of it is written and the demo runs without."""
    from kaft.core.errors import DomainError
    from kaft.demo.library import BRANCHES, DESK_STAFF

    if LibraryPartner.objects.filter(isil=PARTNER_ISIL).exists():
        return False
    branch = Branch.objects.filter(code=BRANCHES[0].code).first()
    staff = User.objects.filter(username=DESK_STAFF.username).first()
    demo = Member.objects.filter(card_number=DEMO_CARD).exists()
    if branch is None or staff is None or not demo or len(_borrowers(2)) < 2:
        return False
    try:
        interlibrary_ensure(branches=[branch], staff=staff, now=timezone.now())
    except DomainError:
        return False
    return True
