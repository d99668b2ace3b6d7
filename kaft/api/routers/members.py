"""A member's standing for another system (``members:read``): may this card borrow?

Answers the status only — no name, address or loans — and writes the look to the member's
access log (a disclosure too when the client is a partner organisation).
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Path, Router

from kaft.api import access
from kaft.api.routers.common import NOT_FOUND, REFUSALS, caller, no_store
from kaft.api.schemas import MemberStatusOut
from kaft.circulation.selectors.loans import member_borrow_refusal
from kaft.privacy.models import DataPart

router = Router(tags=["members"])


@router.get(
    "/{card_number}",
    response={200: MemberStatusOut, **NOT_FOUND, **REFUSALS},
    operation_id="member_status",
    summary="A member's standing",
)
def member_status(
    request: HttpRequest,
    response: HttpResponse,
    card_number: Annotated[str, Path(max_length=32)],
) -> MemberStatusOut:
    who = caller(request)
    member = access.member_for_status(who, card_number)
    refusal = member_borrow_refusal(member, timezone.localdate())
    access.look(who, [member], [DataPart.STATUS])
    no_store(response)
    return MemberStatusOut(
        card_number=member.card_number,
        status=member.status,
        membership_end=member.membership_end,
        may_borrow=refusal is None,
        refusal=str(refusal.code) if refusal is not None else None,
    )
