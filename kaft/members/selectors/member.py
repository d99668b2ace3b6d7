"""Reads of member data. The desk logs every look through kaft.privacy.services.access_log_record."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from kaft.core import params
from kaft.members.cards import card_number_clean
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import Address, AddressKind, Member, MemberStatus
from kaft.members.services.member import normalise_postcode


def member_by_card(card_number: str) -> Member:
    """The member with this card; MemberError CARD_NUMBER_INVALID (not a card number by
    :mod:`kaft.members.cards`) or UNKNOWN_CARD. An erased member's emptied row is nobody: its
    stand-in number (``erased-<id>``) is no card."""
    card = card_number_clean(card_number)
    members = Member.objects.select_related("category", "home_branch")
    try:
        return members.exclude(status=MemberStatus.ERASED).get(card_number=card)
    except Member.DoesNotExist:
        raise MemberError(MemberErrorCode.UNKNOWN_CARD) from None


def member_search(query: str, *, limit: int = 50) -> QuerySet[Member]:
    """Find members by card number, name, e-mail or postcode."""
    text = query.strip()
    # Case-insensitive, so SQLite and PostgreSQL list members in the same order.
    members = Member.objects.select_related("category", "home_branch").order_by(
        Lower("last_name"), Lower("first_name"), "pk"
    )
    if not text:
        return members.none()
    if params.ascii_digits(text):
        return members.filter(card_number__startswith=text)[:limit]
    if "@" in text:
        return members.filter(email__iexact=text)[:limit]
    postcode = normalise_postcode(text)
    if len(postcode) == 7 and params.ascii_digits(postcode[:4]):
        return members.filter(addresses__postcode=postcode).distinct()[:limit]
    condition = Q()
    for word in text.split():
        condition &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(name_prefix__iexact=word)
        )
    return members.filter(condition)[:limit]


def member_letter_address(member: Member) -> Address | None:
    """Where a letter to ``member`` goes: the postal address when they gave one, else the home
    address; None when they have neither (an erased member has none)."""
    addresses = {a.kind: a for a in Address.objects.filter(member=member)}
    return addresses.get(AddressKind.POSTAL) or addresses.get(AddressKind.HOME)


def member_has_postal_address(member: Member) -> bool:
    """Whether a letter can reach ``member`` (see :func:`member_letter_address`). Reads the
    addresses a bulk caller prefetched (``prefetch_related("member__addresses")``) without a
    query of its own."""
    prefetched = getattr(member, "_prefetched_objects_cache", {})
    if "addresses" in prefetched:
        return bool(prefetched["addresses"])
    return Address.objects.filter(member=member).exists()


def letter_addresses(member_ids: list[int]) -> dict[int, Address]:
    """:func:`member_letter_address` for many members in one query."""
    found: dict[int, Address] = {}
    for address in Address.objects.filter(member_id__in=member_ids).order_by("kind"):
        # "home" sorts before "postal": a postal address, read later, wins.
        found[address.member_id] = address
    return found
