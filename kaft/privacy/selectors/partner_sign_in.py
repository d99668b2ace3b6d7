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
