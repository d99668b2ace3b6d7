"""Likely duplicates: is the person being registered perhaps a member already?

A member is a likely duplicate of a new registration when they have the same first and last name
and the same date of birth, the same e-mail address, or the same home address (postcode and house
number). Erased members are never listed: nothing identifies them any more.

The date of birth is encrypted at rest with a fresh token per write (``kaft/core/crypto.py``), so
SQL cannot compare it and there is no searchable copy of it. The query finds the members with the
same name (an index on the name), e-mail or address; the date of birth of the name matches is
compared on the Python side after decryption. Nothing is stored.

The desk shows the matches (card number and name) and the reasons, and writes the access log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from kaft.members.models import Address, AddressKind, Member, MemberStatus
from kaft.members.services.member import normalise_postcode

# More than this many matches is no longer "likely": the list stops here.
DUPLICATES_SHOWN = 10

SAME_NAME_AND_BIRTH = "name_and_birth"
SAME_EMAIL = "email"
SAME_ADDRESS = "address"
REASON_LABELS = {
    SAME_NAME_AND_BIRTH: _("same name and date of birth"),
    SAME_EMAIL: _("same e-mail address"),
    SAME_ADDRESS: _("same address"),
}


@dataclass(frozen=True)
class LikelyDuplicate:
    member: Member
    reasons: tuple[str, ...]  # keys of REASON_LABELS, in that order

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASON_LABELS[reason]) for reason in self.reasons]


def member_likely_duplicates(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date | None,
    email: str = "",
    postcode: str = "",
    house_number: str = "",
    known_cards: Collection[str] = (),
    limit: int = DUPLICATES_SHOWN,
) -> list[LikelyDuplicate]:
    """The members who are likely the same person, oldest registration first. One query.

    ``known_cards``: members the registration itself names (the parent or guardian linked to a
    child), who are someone else by the registration's own word, however alike."""
    email = email.strip().lower()
    postcode = normalise_postcode(postcode) if postcode.strip() else ""
    house_number = house_number.strip()
    same_name = Q(first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip())
    condition = same_name if date_of_birth is not None else Q(pk__in=[])
    if email:
        condition |= Q(email__iexact=email)
    members = Member.objects.exclude(status=MemberStatus.ERASED).exclude(
        card_number__in=[card.strip() for card in known_cards if card.strip()]
    )
    if postcode and house_number:
        home = Address.objects.filter(
            member=OuterRef("pk"),
            kind=AddressKind.HOME,
            postcode=postcode,
            house_number__iexact=house_number,
        )
        members = members.annotate(same_address=Exists(home))
        condition |= Q(same_address=True)
    found = []
    first, last = first_name.strip().lower(), last_name.strip().lower()
    for member in members.filter(condition).order_by("pk"):
        reasons = []
        if (
            member.first_name.lower() == first
            and member.last_name.lower() == last
            and member.date_of_birth == date_of_birth
        ):
            reasons.append(SAME_NAME_AND_BIRTH)
        if email and member.email.lower() == email:
            reasons.append(SAME_EMAIL)
        if getattr(member, "same_address", False):
            reasons.append(SAME_ADDRESS)
        if reasons:
            found.append(LikelyDuplicate(member=member, reasons=tuple(reasons)))
        if len(found) >= limit:
            break
    return found
