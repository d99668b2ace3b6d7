"""Reads of partner sign-ins (OpenID Connect): what the member sees in "Who received my data",
and what the desk sees of a member."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from kaft.members.models import Member
from kaft.privacy.models.partner_clients import PartnerClaim, PartnerSignIn


def claim_labels(claims: list[str]) -> list[str]:
    """The claims as the member reads them, the pseudonym first (every partner receives it)."""
    labels = dict(PartnerClaim.choices)
    return [
        gettext("A code for you that only this service gets (not your card number)"),
        *(str(labels[claim]) for claim in claims if claim in labels),
    ]


def member_partner_sign_ins(member: Member) -> list[dict[str, Any]]:
    """The partner services ``member`` signed in to, newest use first, with what each receives."""
    rows = (
        PartnerSignIn.objects.filter(member=member)
        .select_related("client__partner")
        .order_by("-last_at", "-pk")
    )
    return [
        {
            "id": row.pk,
            "partner": row.client.partner.name,
            "first_at": row.first_at,
            "last_at": row.last_at,
            "claims": claim_labels(list(row.claims)),
        }
        for row in rows
    ]


def _with_access(member: Member, rows: list[dict[str, Any]], client_ids: list[int]) -> None:
    """Mark each row with whether its partner still holds a token for the member's login: an
    access token not yet expired or a refresh token not revoked. Without one the partner cannot
    read anything until the member signs in again (after ending access, or when unused)."""
    from django.utils import timezone
    from oauth2_provider.models import AccessToken, RefreshToken

    live: set[int] = set()
    if member.user_id is not None and client_ids:
        mine = {"user_id": member.user_id, "application__partner_client__in": client_ids}
        live |= set(
            AccessToken.objects.filter(expires__gt=timezone.now(), **mine).values_list(
                "application__partner_client", flat=True
            )
        )
        live |= set(
            RefreshToken.objects.filter(revoked__isnull=True, **mine).values_list(
                "application__partner_client", flat=True
            )
        )
    for row, client_id in zip(rows, client_ids, strict=True):
        row["access"] = client_id in live


def member_partner_sign_ins_for_desk(
    member: Member, sign_in_id: int | None = None
) -> list[dict[str, Any]]:
    """What the desk shows of ``member``'s partner sign-ins (all, or only ``sign_in_id`` when it
    is the member's: another member's id gives nothing): as :func:`member_partner_sign_ins`,
    with the claim codes and ``access``, whether the partner can still read with a token."""
    rows = (
        PartnerSignIn.objects.filter(member=member)
        .select_related("client__partner")
        .order_by("-last_at", "-pk")
    )
    if sign_in_id is not None:
        rows = rows.filter(pk=sign_in_id)
    found = list(rows)
    result = [
        {
            "id": row.pk,
            "partner": row.client.partner.name,
            "first_at": row.first_at,
            "last_at": row.last_at,
            "claim_codes": list(row.claims),
            "claims": claim_labels(list(row.claims)),
        }
        for row in found
    ]
    _with_access(member, result, [row.client_id for row in found])
    return result
