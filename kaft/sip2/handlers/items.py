"""Item information (17 → 18) and item status update (19 → 20).

Item information tells a kiosk what it needs about a copy, and nothing about who has it:
circulation status (:mod:`kaft.sip2.answers`), the title's queue length (CF), the due date when
on loan (AH), title, owner (BG: the
home branch's ISIL), media type, permanent location (AQ: home branch) and current location (AP:
the branch it is at).

Item status update: a kiosk may change nothing of a copy. Kaft keeps no free "item properties"
(CH), and a copy's status is changed only by the circulation services through lending and
returning. Every update is answered ``item properties ok`` 0 with a screen message, and nothing
is written.
"""

from __future__ import annotations

from kaft.catalog.models import ItemStatus
from kaft.circulation.errors import CirculationError
from kaft.circulation.selectors.holds import record_queue_length
from kaft.circulation.selectors.loans import item_by_barcode, item_open_loan
from kaft.sip2 import access, answers, words
from kaft.sip2.access import Denied
from kaft.sip2.protocol import Request, Response, Session, handles, sip_date

FEE_TYPE_NONE = "01"  # other/unknown: Kaft charges no fee for lending
SECURITY_MARKER = "00"  # other: Kaft does not know the copy's security marker


@handles("17")
def item_information(session: Session, request: Request) -> Response:
    fixed_refused = answers.OTHER_STATUS + SECURITY_MARKER + FEE_TYPE_NONE + sip_date()
    try:
        access.kiosk_of(session, request)
    except Denied as denied:
        with words.spoken(None):
            response = Response("18", fixed_refused)
            response.add("AB", request.get("AB")).add("AJ", "").add("AF", denied.message)
        return response
    with words.spoken(None):
        try:
            item = item_by_barcode(request.get("AB"))
        except CirculationError as error:
            response = Response("18", fixed_refused)
            response.add("AB", request.get("AB")).add("AJ", "")
            response.add("AF", words.refusal(error))
            return response
        response = Response(
            "18", answers.circulation_status(item) + SECURITY_MARKER + FEE_TYPE_NONE + sip_date()
        )
        response.add("CF", f"{record_queue_length(item.record_id):04d}")
        if item.status == ItemStatus.ON_LOAN:
            loan = item_open_loan(item)
            if loan is not None:
                response.add("AH", sip_date(loan.due_date))
        response.add("AB", item.barcode)
        response.add("AJ", item.record.title)
        response.add("BG", item.home_branch.isil)
        response.add("CK", answers.media_type(item))
        response.add("AQ", item.home_branch.isil)
        response.add("AP", item.current_branch.isil)
    return response


@handles("19")
def item_status_update(session: Session, request: Request) -> Response:
    with words.spoken(None):
        response = Response("20", "0" + sip_date())
        try:
            access.kiosk_of(session, request)
        except Denied as denied:
            response.add("AB", request.get("AB")).add("AF", denied.message)
            return response
        try:
            item = item_by_barcode(request.get("AB"))
        except CirculationError as error:
            response.add("AB", request.get("AB")).add("AF", words.refusal(error))
            return response
        response.add("AB", item.barcode).add("AJ", item.record.title)
        response.add("AF", str(words.ITEM_CHANGE_REFUSED))
    return response
