"""A new card for a member whose card was lost, stolen or worn out.

The member keeps everything (loans, reservations, history, login): only the card number
changes. The old number stops working at once everywhere, because the desk, the kiosks, the
portal's login and the API all find a member by the number the member has now; nothing keeps
the old one. The history says a new card was given, by whom, and the last four digits of the
old one (enough to recognise a card that turns up again, not enough to use it).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from kaft.members.cards import card_number_clean
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.locks import member_for_update
from kaft.members.models import Member, MemberAction, MemberEvent, MemberStatus, User
from kaft.members.services.member import card_number_generate


@transaction.atomic
def member_card_replace(
    *,
    member: Member,
    staff: User | None,
    card_number: str = "",
    now: dt.datetime | None = None,
) -> Member:
    """Give ``member`` the card ``card_number`` (empty: Kaft makes up a number). Locks the
    member row. Refused: a number that is not a card number, or one in use (also the member's
    own), or a member whose data was erased."""
    locked = member_for_update(member.pk)
    if locked.status == MemberStatus.ERASED:
        raise MemberError(MemberErrorCode.UNKNOWN_CARD)
    given = card_number.strip()
    new = card_number_clean(given) if given else card_number_generate()
    if Member.objects.filter(card_number=new).exists():
        raise MemberError(MemberErrorCode.CARD_IN_USE)
    old = locked.card_number
    locked.card_number = new
    try:
        with transaction.atomic():
            locked.save(update_fields=["card_number", "updated_at"])
    except IntegrityError:  # taken by a registration in between
        raise MemberError(MemberErrorCode.CARD_IN_USE) from None
    MemberEvent.objects.create(
        member=locked,
        action=MemberAction.CARD_REPLACED,
        staff=staff,
        at=now or timezone.now(),
        note=f"…{old[-4:]}",
    )
    return locked
